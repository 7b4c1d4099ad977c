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
    /** Chunks per call (8.2 s): a {@link Scan} and {@link #probabilities} make the same calls, so the same probabilities. */
    private static final int ROWS_PER_CALL = 256;
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

    /** The speech regions of {@code samples}, found call by call as far as a caller needs them (see {@link Scan}). */
    public Scan scan(float[] samples) {
        return new Scan(samples);
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
        Scan scan = new Scan(samples);
        while (scan.done < scan.probs.length) {
            scan.next();
        }
        return scan.probs;
    }

    /**
     * A whole file's regions, the probabilities computed one call at a time, only as far as the pieces
     * asked about so far need: the first piece is encoded while the VAD goes on with the rest (the VAD
     * alone, mostly one core, took 0.3 s of a 3.9-s request on the 173-s file before any window started).
     * The regions it answers for a piece are those of {@link #speech} on the whole file.
     */
    public final class Scan {
        private final float[] samples;
        private final float[] probs;
        private final float[][] state = {new float[STATE], new float[STATE]};
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        private int done;

        private Scan(float[] samples) {
            this.samples = samples;
            this.probs = new float[samples.length / CHUNK + 1];
        }

        /**
         * The regions of the whole file that overlap samples {@code [0, end)}, exact there (later ones
         * may be missing or cut short); the calling thread runs the calls still needed, one caller at a time.
         */
        public List<Region> before(int end) throws OrtException {
            lock.lock();
            try {
                while (true) {
                    Prefix p = prefix(probs, done, samples.length);
                    if (p.exactBefore() >= end) {
                        return p.regions();
                    }
                    next();
                }
            } finally {
                lock.unlock();
            }
        }

        private void next() throws OrtException {
            int rows = Math.min(ROWS_PER_CALL, probs.length - done);
            float[] input = new float[rows * (CONTEXT + CHUNK)];
            for (int r = 0; r < rows; r++) {
                int start = (done + r) * CHUNK;
                for (int j = -CONTEXT; j < CHUNK; j++) {
                    int at = start + j;
                    input[r * (CONTEXT + CHUNK) + CONTEXT + j] = at >= 0 && at < samples.length ? samples[at] : 0f;
                }
            }
            System.arraycopy(run(input, rows, state), 0, probs, done, rows);
            done += rows;
        }
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
        return prefix(probs, probs.length, length).regions();
    }

    /**
     * {@link #regions} of a file of {@code length} samples whose first {@code chunks} probabilities are
     * known, and how far they are already those of the whole file: a region closes only after 2 s below
     * the low threshold, so the next one starts at least 2 s (more than two pads) later and every closed
     * region keeps its padded end; the open one, taken to run to the end, is exact up to where its
     * silence began plus a pad; a region not begun yet starts (padded) after the known chunks less a pad.
     */
    record Prefix(List<Region> regions, int exactBefore) {
    }

    static Prefix prefix(float[] probs, int chunks, int length) {
        List<int[]> speeches = new ArrayList<>();
        boolean triggered = false;
        int start = 0;
        int tempEnd = 0;
        for (int i = 0; i < chunks; i++) {
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
        int exactBefore = chunks == probs.length ? length : CHUNK * chunks - PAD;
        if (triggered && tempEnd > 0 && chunks < probs.length) {
            exactBefore = Math.min(exactBefore, tempEnd + PAD);
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
        return new Prefix(speeches.stream().map(s -> new Region(s[0], s[1])).toList(), exactBefore);
    }

    /** Waits for running calls, then frees the session. */
    @Override
    public void close() throws OrtException {
        graph.close();
    }
}
