package speech.asr.realtime;

import java.util.Optional;

/**
 * Server VAD turns from the speech probability of each chunk (OpenAI's {@code server_vad} settings over
 * Silero's probabilities, with faster-whisper's hysteresis): speech starts at a chunk at or above
 * {@code threshold}; it stops once {@code silence} samples in a row stayed below {@code threshold - 0.15},
 * at the first of them. Positions are samples since the session's first.
 */
public final class TurnDetector {

    private static final double HYSTERESIS = 0.15;

    /** A change of turn at sample {@code at}. */
    public record Turn(boolean speech, long at) {
    }

    private final double threshold;
    private final long silence;
    private final int chunk;
    private long next; // first sample of the next chunk
    private boolean speaking;
    private long quietSince = -1;

    /** Judges chunks of {@code chunk} samples from sample {@code start} on. */
    public TurnDetector(double threshold, long silenceSamples, int chunk, long start) {
        this.threshold = threshold;
        this.silence = silenceSamples;
        this.chunk = chunk;
        this.next = start;
    }

    /** The probability of the next chunk: a start or a stop, if that chunk makes one. */
    public Optional<Turn> next(float probability) {
        long start = next;
        next += chunk;
        if (!speaking) {
            if (probability >= threshold) {
                speaking = true;
                quietSince = -1;
                return Optional.of(new Turn(true, start));
            }
            return Optional.empty();
        }
        if (probability >= threshold) {
            quietSince = -1;
        } else if (probability < threshold - HYSTERESIS && quietSince < 0) {
            quietSince = start;
        }
        if (quietSince >= 0 && next - quietSince >= silence) {
            speaking = false;
            long at = quietSince;
            quietSince = -1;
            return Optional.of(new Turn(false, at));
        }
        return Optional.empty();
    }

    public boolean speaking() {
        return speaking;
    }

    /** Samples the detector has judged (the end of its last chunk). */
    public long position() {
        return next;
    }
}
