package speech.asr.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** One worker, one waiting slot, a 100 ms deadline: makes 429 and 504 reachable in tests. */
public class BusyProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("speech.queue.concurrency", "1", "speech.queue.capacity", "1", "speech.queue.timeout", "100ms",
                "speech.queue.retry-after-seconds", "7");
    }
}
