package speech.tts.echo;

import ai.onnxruntime.OrtException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Speaker K/V by voice id for one loaded model, bounded in bytes (a 5-minute reference is about
 * 630 MB of fp32 K/V on the full-size model, so a count of entries says nothing about memory); the
 * least recently used entry leaves first, and one larger than the whole budget is computed but not kept.
 * Entries are Java-owned buffers, not native tensors: evicting one never frees memory a running
 * synthesis still reads, the garbage collector does once its last user is done.
 */
public final class SpeakerCache {

    /** Computes a missing entry (a {@code speaker_cond} call). */
    @FunctionalInterface
    public interface Compute {
        Conditioning.Speaker speaker() throws OrtException;
    }

    private final long maxBytes;
    private final LinkedHashMap<String, Conditioning.Speaker> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    public SpeakerCache(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("speaker cache budget must be >= 0 bytes, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** The cached entry, or computes it (outside the lock: a slow graph call never blocks hits) and keeps it if it fits. */
    public Conditioning.Speaker get(String voiceId, Compute compute) throws OrtException {
        synchronized (this) {
            Conditioning.Speaker hit = entries.get(voiceId);
            if (hit != null) {
                return hit;
            }
        }
        Conditioning.Speaker computed = compute.speaker();
        put(voiceId, computed);
        return computed;
    }

    public synchronized void remove(String voiceId) {
        Conditioning.Speaker old = entries.remove(voiceId);
        if (old != null) {
            bytes -= old.bytes();
        }
    }

    public synchronized boolean contains(String voiceId) {
        return entries.containsKey(voiceId);
    }

    /** Bytes held now, never more than the budget. */
    public synchronized long bytes() {
        return bytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    private synchronized void put(String voiceId, Conditioning.Speaker speaker) {
        if (speaker.bytes() > maxBytes) {
            return;
        }
        remove(voiceId);
        entries.put(voiceId, speaker);
        bytes += speaker.bytes();
        Iterator<Map.Entry<String, Conditioning.Speaker>> eldest = entries.entrySet().iterator();
        while (bytes > maxBytes) {
            bytes -= eldest.next().getValue().bytes();
            eldest.remove();
        }
    }
}
