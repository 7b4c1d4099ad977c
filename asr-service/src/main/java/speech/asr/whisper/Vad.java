package speech.asr.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import speech.runtime.ort.Graph;
import speech.runtime.ort.GraphContract;
import speech.runtime.ort.Tensors;

/**
 * Silero VAD v6 (≈ faster-whisper's vad.py, same defaults): a speech probability for every 512
 * samples at 16 kHz, then speech regions — a region starts at a chunk ≥ 0.5, ends after 2 s below
 * 0.35, and is padded by 0.4 s (less where two regions are closer). The only user of vad.onnx.
 */
public final class Vad implements AutoCloseable {

    private static final String INPUT = "input";
    private static final String H = "h";
    private static final String C = "c";
    private static final String PROBS = "speech_probs";
    private static final String HN = "hn";
    private static final String CN = "cn";
    static final GraphContract CONTRACT = new GraphContract("vad", Set.of(INPUT, H, C), Set.of(PROBS, HN, CN));

    static final int CHUNK = 512;
    private static final int CONTEXT = 64;
    private static final int STATE = 128;
    private static final int ROWS_PER_CALL = 10_000;
    private static final double THRESHOLD = 0.5;
    private static final double NEG_THRESHOLD = THRESHOLD - 0.15;
    private static final int MIN_SILENCE = 2 * 16_000;
    private static final int PAD = 16_000 * 400 / 1000;

    /** Samples {@code [start, end)} judged to be speech. */
    public record Region(int start, int end) {
    }

    private final Graph graph;

    /** Takes ownership of the graph (opened with {@link #CONTRACT}). */
    Vad(Graph graph) {
        this.graph = graph;
    }

    /** The speech regions of 16 kHz mono samples, in order, padded and never overlapping. */
    public List<Region> speech(float[] samples) throws OrtException {
        return regions(probabilities(samples), samples.length);
    }

    /**
     * One probability per chunk of 512 samples (the last zero-padded), each chunk fed with the 64
     * samples before it as context, the LSTM state carried across calls.
     * <ul>
     * <li>in  {@code input} f32 [chunks, 576]; {@code h}, {@code c} f32 [1, 1, 128]</li>
     * <li>out {@code speech_probs} f32 [chunks]; {@code hn}, {@code cn} f32 [1, 1, 128]</li>
     * </ul>
     */
    float[] probabilities(float[] samples) throws OrtException {
        int chunks = samples.length / CHUNK + 1;
        float[] probs = new float[chunks];
        float[][] state = {new float[STATE], new float[STATE]};
        for (int first = 0; first < chunks; first += ROWS_PER_CALL) {
            int rows = Math.min(ROWS_PER_CALL, chunks - first);
            float[] input = new float[rows * (CONTEXT + CHUNK)];
            for (int r = 0; r < rows; r++) {
                int start = (first + r) * CHUNK;
                for (int j = -CONTEXT; j < CHUNK; j++) {
                    int at = start + j;
                    input[r * (CONTEXT + CHUNK) + CONTEXT + j] = at >= 0 && at < samples.length ? samples[at] : 0f;
                }
            }
            System.arraycopy(run(input, rows, state), 0, probs, first, rows);
        }
        return probs;
    }

    /** One call over {@code rows} chunks with their context; {@code state} ({h, c}) is read and replaced. */
    private float[] run(float[] input, int rows, float[][] state) throws OrtException {
        Map<String, OnnxTensor> in = new HashMap<>();
        try (OnnxTensor x = Tensors.floats(input, rows, CONTEXT + CHUNK);
             OnnxTensor ht = Tensors.floats(state[0], 1, 1, STATE);
             OnnxTensor ct = Tensors.floats(state[1], 1, 1, STATE)) {
            in.put(INPUT, x);
            in.put(H, ht);
            in.put(C, ct);
            try (OrtSession.Result out = graph.run(in)) {
                state[0] = Tensors.floats(out, HN);
                state[1] = Tensors.floats(out, CN);
                return Tensors.floats(out, PROBS);
            }
        }
    }

    /** Probabilities of audio that arrives in pieces (a live session), equal to {@link #probabilities} of it all. */
    public Stream stream() {
        return new Stream();
    }

    /** The LSTM state and the last 64 samples carry over from one piece to the next; a partial chunk waits for more. */
    public final class Stream {
        private final float[][] state = {new float[STATE], new float[STATE]};
        /** CONTEXT samples of context (zeros at the start), then samples not yet in a chunk. */
        private float[] pending = new float[CONTEXT];

        /** One probability per chunk of {@value #CHUNK} samples completed by {@code samples} (none while a chunk is partial). */
        public float[] feed(float[] samples) throws OrtException {
            float[] all = Arrays.copyOf(pending, pending.length + samples.length);
            System.arraycopy(samples, 0, all, pending.length, samples.length);
            int rows = (all.length - CONTEXT) / CHUNK;
            if (rows == 0) {
                pending = all;
                return new float[0];
            }
            float[] input = new float[rows * (CONTEXT + CHUNK)];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(all, r * CHUNK, input, r * (CONTEXT + CHUNK), CONTEXT + CHUNK);
            }
            pending = Arrays.copyOfRange(all, rows * CHUNK, all.length);
            return run(input, rows, state);
        }

        /** Samples per probability. */
        public int chunk() {
            return CHUNK;
        }
    }

    /** faster-whisper's get_speech_timestamps with its defaults (no maximum region length, no minimum speech). */
    static List<Region> regions(float[] probs, int length) {
        List<int[]> speeches = new ArrayList<>();
        boolean triggered = false;
        int start = 0;
        int tempEnd = 0;
        for (int i = 0; i < probs.length; i++) {
            int at = CHUNK * i;
            if (probs[i] >= THRESHOLD) {
                tempEnd = 0;
                if (!triggered) {
                    triggered = true;
                    start = at;
                }
                continue;
            }
            if (probs[i] < NEG_THRESHOLD && triggered) {
                if (tempEnd == 0) {
                    tempEnd = at;
                }
                if (at - tempEnd >= MIN_SILENCE) {
                    if (tempEnd > start) {
                        speeches.add(new int[] {start, tempEnd});
                    }
                    triggered = false;
                    tempEnd = 0;
                }
            }
        }
        if (triggered && length > start) {
            speeches.add(new int[] {start, length});
        }
        for (int i = 0; i < speeches.size(); i++) {
            int[] s = speeches.get(i);
            if (i == 0) {
                s[0] = Math.max(0, s[0] - PAD);
            }
            if (i < speeches.size() - 1) {
                int[] next = speeches.get(i + 1);
                int silence = next[0] - s[1];
                int pad = silence < 2 * PAD ? silence / 2 : PAD;
                s[1] = Math.min(length, s[1] + pad);
                next[0] = Math.max(0, next[0] - pad);
            } else {
                s[1] = Math.min(length, s[1] + PAD);
            }
        }
        return speeches.stream().map(s -> new Region(s[0], s[1])).toList();
    }

    /** Waits for running calls, then frees the session. */
    @Override
    public void close() throws OrtException {
        graph.close();
    }
}
