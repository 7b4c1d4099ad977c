package speech.tts.store;

import java.util.List;

/** One page of a newest-first listing. */
public record Page<T>(List<T> data, long total, int limit, int offset) {

    public boolean hasMore() {
        return offset + data.size() < total;
    }
}
