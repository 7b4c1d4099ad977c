package speech.asr.whisper;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import ai.onnxruntime.OrtException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import speech.runtime.ort.binding.ElementType;
import speech.runtime.ort.binding.IoBinding;
import speech.runtime.ort.binding.MemoryPlace;
import speech.runtime.ort.binding.ResidentTensor;

/**
 * The decoder's state for every row the engine may run, allocated once and updated in place, one
 * tensor per decoder layer (so a call binds each as it lies, nothing is sliced or gathered):
 * <ul>
 * <li>self K/V {@code [rows, n_text_head, n_text_ctx, head_dim]} per layer: one slot per decoder row;
 *     a call reads the whole fixed-capacity slot (the graph masks what is past the row's offset) and
 *     returns only the new tokens' K/V, which are written here at the row's offset;</li>
 * <li>cross K/V {@code [windows, n_text_head, n_audio_ctx, head_dim]} per layer: the encoder writes a
 *     window's K/V straight into its slot (bound outputs), every row decoding that window (greedy,
 *     beam, best-of, each fallback temperature) reads it in place.</li>
 * </ul>
 * A call binds only the slots and windows from the lowest to the highest its rows use (the graph
 * reads every bound slot and window once), so the bytes moved and read per call depend on the rows in
 * it, not on how many tokens came before. The encoder methods run on the encoder loop's thread, the
 * decoder methods on the decoder loop's.
 */
public final class DecoderState implements AutoCloseable {

    private final WhisperModel model;
    private final WhisperManifest.Dims dims;
    private final int rows;
    private final int windows;
    private final List<ResidentTensor> selfK;
    private final List<ResidentTensor> selfV;
    private final List<ResidentTensor> crossK;
    private final List<ResidentTensor> crossV;
    private final IoBinding encoderBinding;
    private final IoBinding decoderBinding;
    private final Semaphore freeWindows;
    private final boolean[] windowInUse;
    private final AtomicLong bytesMoved = new AtomicLong();
    private final long positionBytes;
    private final Views selfViews = new Views();
    private final Views crossViews = new Views(); // K (or V) of one token of one row: layers × heads × head_dim floats

    public DecoderState(WhisperModel model, int rows, int windows) throws OrtException {
        this.model = model;
        this.dims = model.spec().dims();
        this.rows = rows;
        this.windows = windows;
        int layers = dims.nTextLayer();
        this.positionBytes = (long) layers * dims.nTextHead() * dims.headDim() * Float.BYTES;
        this.selfK = allocate(rows, dims.nTextCtx());
        this.selfV = allocate(rows, dims.nTextCtx());
        this.crossK = allocate(windows, dims.nAudioCtx());
        this.crossV = allocate(windows, dims.nAudioCtx());
        for (ResidentTensor t : selfK) {
            t.segment().fill((byte) 0); // masked positions are never read into a result, but NaN * 0 would be
        }
        for (ResidentTensor t : selfV) {
            t.segment().fill((byte) 0);
        }
        this.encoderBinding = model.encoder().bind();
        this.decoderBinding = model.decoder().bind();
        this.freeWindows = new Semaphore(windows, true);
        this.windowInUse = new boolean[windows];
    }

    /** One [count, n_text_head, positions, head_dim] tensor per decoder layer. */
    private List<ResidentTensor> allocate(int count, int positions) throws OrtException {
        // The Java side writes new rows into the self cache, so it lives in host memory (docs/whisper-graphs.md).
        List<ResidentTensor> out = new ArrayList<>();
        for (int l = 0; l < dims.nTextLayer(); l++) {
            out.add(ResidentTensor.allocate(model.decoder().graph(), MemoryPlace.cpu(), ElementType.FLOAT,
                    count, dims.nTextHead(), positions, dims.headDim()));
        }
        return out;
    }

    public int rows() {
        return rows;
    }

    public int windows() {
        return windows;
    }

    /** Cross K/V of every window slot, for the alignment graph (read while a window's owner holds its slot). */
    List<ResidentTensor> crossK() {
        return crossK;
    }

    List<ResidentTensor> crossV() {
        return crossV;
    }

    /** Bytes of self K/V one row holds (its cost in the decoder scheduler's memory budget). */
    public long rowBytes() {
        return 2 * positionBytes * dims.nTextCtx();
    }

    /** Bytes the Java side has written into or read out of native tensors for decoder calls so far. */
    public long bytesMoved() {
        return bytesMoved.get();
    }

    /**
     * Waits for a free window slot (fair: first come, first served) while {@code stillWanted} holds;
     * -1 when it stopped holding. The slot is the caller's until {@link #releaseWindow}.
     */
    public int acquireWindow(BooleanSupplier stillWanted) throws InterruptedException {
        while (stillWanted.getAsBoolean()) {
            if (freeWindows.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                synchronized (windowInUse) {
                    for (int w = 0; w < windows; w++) {
                        if (!windowInUse[w]) {
                            windowInUse[w] = true;
                            return w;
                        }
                    }
                }
                throw new IllegalStateException("window slots out of step with their semaphore");
            }
        }
        return -1;
    }

    public void releaseWindow(int window) {
        synchronized (windowInUse) {
            if (!windowInUse[window]) {
                return;
            }
            windowInUse[window] = false;
        }
        freeWindows.release();
    }

    /** Encodes one window's log-mel {@code [n_mels, n_frames]} straight into cross slot {@code window}. */
    public void encode(float[] mel, int window) throws OrtException {
        List<ResidentTensor> k = new ArrayList<>();
        List<ResidentTensor> v = new ArrayList<>();
        try {
            for (int l = 0; l < crossK.size(); l++) {
                k.add(crossK.get(l).slice(window, 1));
                v.add(crossV.get(l).slice(window, 1));
            }
            model.encoder().encode(encoderBinding, mel, k, v);
        } finally {
            encoderBinding.clearOutputs();
            closeAll(k);
            closeAll(v);
        }
    }

    /**
     * One decoder call over the same number n of new tokens per row ({@code tokens} is [batch × n]):
     * the new tokens' K/V are written into the rows' slots at their offsets, and the logits the caller
     * asks for come back: {@code reads[b]} positions (0 … n-1) of row b, the same count for every row.
     */
    public float[][][] run(long[] tokens, int[] offsets, int[] slots, int[] windows, int[][] reads) throws OrtException {
        int batch = offsets.length;
        int n = tokens.length / batch;
        for (int b = 0; b < batch; b++) {
            if (offsets[b] + n > dims.nTextCtx()) {
                throw new IllegalArgumentException("row " + b + " would pass the decoder's " + dims.nTextCtx() + " positions");
            }
        }
        Range slotRange = Range.of(slots);
        Range windowRange = Range.of(windows);
        long[][] windowRows = windowRows(windows, windowRange, batch);
        long[][] readRows = new long[batch][];
        for (int b = 0; b < batch; b++) {
            readRows[b] = Arrays.stream(reads[b]).asLongStream().toArray();
        }
        long moved = (tokens.length + 2L * batch + (long) windowRows.length * windowRows[0].length + (long) batch * reads[0].length) * Long.BYTES;
        Decoder.Caches caches = new Decoder.Caches(selfViews.of(slotRange, selfK), selfViews.of(slotRange, selfV),
                crossViews.of(windowRange, crossK), crossViews.of(windowRange, crossV));
        try (Decoder.Outputs out = model.decoder().step(decoderBinding, tokens, longs(offsets), slotRange.relative(slots),
                windowRows, readRows, caches)) {
            writeNewRows(out.newK().segment(), selfK, n, offsets, slots);
            writeNewRows(out.newV().segment(), selfV, n, offsets, slots);
            moved += 2L * batch * n * positionBytes;
            MemorySegment logits = out.logits().segment();
            int vocab = dims.nVocab();
            float[][][] result = new float[batch][][];
            for (int b = 0; b < batch; b++) {
                result[b] = new float[reads[b].length][];
                for (int i = 0; i < reads[b].length; i++) {
                    long offset = ((long) b * reads[b].length + i) * vocab * Float.BYTES;
                    result[b][i] = logits.asSlice(offset, (long) vocab * Float.BYTES).toArray(JAVA_FLOAT);
                    moved += (long) vocab * Float.BYTES;
                }
            }
            bytesMoved.addAndGet(moved);
            return result;
        } finally {
            decoderBinding.clearOutputs();
        }
    }

    /** The slots (or windows) from the lowest to the highest a call uses: what it binds. */
    private record Range(int first, int count) {
        static Range of(int[] used) {
            int lo = Arrays.stream(used).min().orElseThrow();
            int hi = Arrays.stream(used).max().orElseThrow();
            return new Range(lo, hi - lo + 1);
        }

        long[] relative(int[] used) {
            return Arrays.stream(used).mapToLong(u -> u - first).toArray();
        }

    }

    /**
     * Views of one range of the layers' tensors, kept while calls use the same range (a request's rows
     * keep their slots and window for its whole decode), so a token does not create and release them.
     */
    private static final class Views {
        private final java.util.Map<List<ResidentTensor>, List<ResidentTensor>> byLayers = new java.util.IdentityHashMap<>();
        private Range range;

        List<ResidentTensor> of(Range wanted, List<ResidentTensor> layers) throws OrtException {
            if (!wanted.equals(range)) {
                close();
                range = wanted;
            }
            List<ResidentTensor> views = byLayers.get(layers);
            if (views == null) {
                views = new ArrayList<>();
                byLayers.put(layers, views);
                for (ResidentTensor t : layers) {
                    views.add(t.slice(range.first(), range.count()));
                }
            }
            return views;
        }

        void close() {
            byLayers.values().forEach(DecoderState::closeAll);
            byLayers.clear();
            range = null;
        }
    }

    /** [windows in the range, most rows of one window]: the rows reading each window, {@code batch} where none. */
    private static long[][] windowRows(int[] windows, Range range, int batch) {
        int[] count = new int[range.count()];
        for (int w : windows) {
            count[w - range.first()]++;
        }
        long[][] table = new long[range.count()][Arrays.stream(count).max().orElseThrow()];
        for (long[] row : table) {
            Arrays.fill(row, batch);
        }
        Arrays.fill(count, 0);
        for (int b = 0; b < windows.length; b++) {
            int w = windows[b] - range.first();
            table[w][count[w]++] = b;
        }
        return table;
    }

    /**
     * Copies the first {@code length} positions of slot {@code sources[i]} into slot {@code targets[i]}
     * for every i, all read before any is written (beam search: survivors continue a sibling's history;
     * best-of: the prompt's cache is shared out to every candidate's row).
     */
    public void copyRows(int[] sources, int[] targets, int length) {
        if (length == 0) {
            return;
        }
        long headBytes = (long) dims.nTextCtx() * dims.headDim() * Float.BYTES;
        long used = (long) length * dims.headDim() * Float.BYTES;
        int heads = dims.nTextHead();
        for (List<ResidentTensor> layers : List.of(selfK, selfV)) {
            for (ResidentTensor cache : layers) {
                MemorySegment data = cache.segment();
                float[][] saved = new float[sources.length][];
                for (int i = 0; i < sources.length; i++) {
                    saved[i] = new float[(int) (heads * used / Float.BYTES)];
                    for (int h = 0; h < heads; h++) {
                        long from = ((long) sources[i] * heads + h) * headBytes;
                        MemorySegment.copy(data, JAVA_FLOAT, from, saved[i], (int) (h * used / Float.BYTES), (int) (used / Float.BYTES));
                    }
                }
                for (int i = 0; i < targets.length; i++) {
                    for (int h = 0; h < heads; h++) {
                        long to = ((long) targets[i] * heads + h) * headBytes;
                        MemorySegment.copy(saved[i], (int) (h * used / Float.BYTES), data, JAVA_FLOAT, to, (int) (used / Float.BYTES));
                    }
                }
            }
        }
    }

    /** new [batch, layers, heads, n, head_dim] → cache[layer][slot, head, offset .. offset + n, :], per row. */
    private void writeNewRows(MemorySegment fresh, List<ResidentTensor> cache, int n, int[] offsets, int[] slots) {
        int heads = dims.nTextHead();
        long rowBytes = (long) n * dims.headDim() * Float.BYTES;
        long headBytes = (long) dims.nTextCtx() * dims.headDim() * Float.BYTES;
        for (int l = 0; l < cache.size(); l++) {
            MemorySegment data = cache.get(l).segment();
            for (int b = 0; b < slots.length; b++) {
                for (int h = 0; h < heads; h++) {
                    long from = (((long) b * cache.size() + l) * heads + h) * rowBytes;
                    long to = ((long) slots[b] * heads + h) * headBytes + (long) offsets[b] * dims.headDim() * Float.BYTES;
                    MemorySegment.copy(fresh, from, data, to, rowBytes);
                }
            }
        }
    }

    private static long[] longs(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static void closeAll(List<ResidentTensor> tensors) {
        for (ResidentTensor t : tensors) {
            t.close();
        }
    }

    @Override
    public void close() {
        // The bindings first, then the tensors they were bound to.
        try (IoBinding e = encoderBinding; IoBinding d = decoderBinding) {
            // both closed, even if one throws
        } finally {
            selfViews.close();
            crossViews.close();
            closeAll(selfK);
            closeAll(selfV);
            closeAll(crossK);
            closeAll(crossV);
        }
    }
}
