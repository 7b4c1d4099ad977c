package speech.asr.whisper;

import java.util.ArrayList;
import java.util.List;

/**
 * Timestamp tokens of one decoded window → timed segments, and how far the window's start moves on
 * (openai/whisper's transcribe loop). A window that ends with a single timestamp is complete; one
 * that ends with a pair stops at that time, and decoding resumes there.
 */
public final class Segmenter {

    /** A segment relative to its window: seconds from the window start. */
    public record Piece(double start, double end, List<Integer> tokens) {
    }

    /** @param advanceFrames mel frames to move the window start by */
    public record Split(List<Piece> pieces, int advanceFrames) {
    }

    private final int timestampBegin;
    private final double timePrecision;
    private final int inputStride;

    public Segmenter(int timestampBegin, double timePrecision, int inputStride) {
        this.timestampBegin = timestampBegin;
        this.timePrecision = timePrecision;
        this.inputStride = inputStride;
    }

    public static Segmenter of(WhisperManifest spec) {
        return new Segmenter(spec.special().timestampBegin(), spec.timePrecision(), spec.inputStride());
    }

    /** @param segmentFrames mel frames of real audio in this window (≤ one window) */
    public Split split(List<Integer> tokens, int segmentFrames) {
        double segmentSeconds = segmentFrames * timePrecision / inputStride;
        int n = tokens.size();
        boolean singleTimestampEnding = n >= 2 && !isTs(tokens.get(n - 2)) && isTs(tokens.get(n - 1));
        List<Integer> slices = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            if (isTs(tokens.get(i - 1)) && isTs(tokens.get(i))) {
                slices.add(i);
            }
        }
        List<Piece> pieces = new ArrayList<>();
        if (!slices.isEmpty()) {
            if (singleTimestampEnding) {
                slices.add(n);
            }
            int lastSlice = 0;
            for (int current : slices) {
                List<Integer> sliced = tokens.subList(lastSlice, current);
                pieces.add(new Piece(time(sliced.get(0)), time(sliced.get(sliced.size() - 1)), List.copyOf(sliced)));
                lastSlice = current;
            }
            int advance = singleTimestampEnding ? segmentFrames : (tokens.get(lastSlice - 1) - timestampBegin) * inputStride;
            return new Split(pieces, Math.max(1, Math.min(advance, segmentFrames)));
        }
        // No pair: one segment for the whole window, ending at its last timestamp if there is one.
        double end = segmentSeconds;
        for (int i = n - 1; i >= 0; i--) {
            if (isTs(tokens.get(i))) {
                if (tokens.get(i) != timestampBegin) {
                    end = time(tokens.get(i));
                }
                break;
            }
        }
        pieces.add(new Piece(0, end, List.copyOf(tokens)));
        return new Split(pieces, segmentFrames);
    }

    private boolean isTs(int token) {
        return token >= timestampBegin;
    }

    private double time(int token) {
        return (token - timestampBegin) * timePrecision;
    }
}
