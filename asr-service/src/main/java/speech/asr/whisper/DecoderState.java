package speech.asr.whisper;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import ai.onnxruntime.OrtException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import speech.runtime.ort.binding.ElementType;
import speech.runtime.ort.binding.IoBinding;
import speech.runtime.ort.binding.MemoryPlace;
import speech.runtime.ort.binding.ResidentTensor;

/**
 * The decoder's state for every row the engine may run, allocated once and updated in place:
 * <ul>
 * <li>self K/V {@code [rows, n_text_layer, n_text_head, n_text_ctx, head_dim]}: one slot per decoder row;
 *     a call reads the whole fixed-capacity slot (the graph masks what is past the row's offset) and
 *     returns only the new tokens' K/V, which are written here at the row's offset;</li>
 * <li>cross K/V {@code [windows, n_text_layer, n_text_head, n_audio_ctx, head_dim]}: the encoder writes a
 *     window's K/V straight into its slot (bound output), every row decoding that window (greedy, beam,
 *     best-of, each fallback temperature) reads it by index.</li>
 * </ul>
 * So the bytes moved per decoder call depend on the rows in it, not on how many tokens came before.
 * The encoder methods run on the encoder loop's thread, the decoder methods on the decoder loop's.
 */
public final class DecoderState implements AutoCloseable {

    private final WhisperModel model;
    private final WhisperManifest.Dims dims;
    private final int rows;
    private final int windows;
    private final ResidentTensor selfK;
    private final ResidentTensor selfV;
    private final ResidentTensor crossK;
    private final ResidentTensor crossV;
    private final IoBinding encoderBinding;
    private final IoBinding decoderBinding;
    private final Semaphore freeWindows;
    private final boolean[] windowInUse;
    private final AtomicLong bytesMoved = new AtomicLong();
    private final long positionBytes; // K (or V) of one token of one row: layers × heads × head_dim floats

    public DecoderState(WhisperModel model, int rows, int windows) throws OrtException {
        this.model = model;
        this.dims = model.spec().dims();
        this.rows = rows;
        this.windows = windows;
        MemoryPlace place = MemoryPlace.cpu(); // the Java side writes new rows into the cache (see docs/whisper-graphs.md)
        int layers = dims.nTextLayer();
        int heads = dims.nTextHead();
        this.positionBytes = (long) layers * heads * dims.headDim() * Float.BYTES;
        this.selfK = ResidentTensor.allocate(model.decoder().graph(), place, ElementType.FLOAT,
                rows, layers, heads, dims.nTextCtx(), dims.headDim());
        this.selfV = ResidentTensor.allocate(model.decoder().graph(), place, ElementType.FLOAT,
                rows, layers, heads, dims.nTextCtx(), dims.headDim());
        this.crossK = ResidentTensor.allocate(model.decoder().graph(), place, ElementType.FLOAT,
                windows, layers, heads, dims.nAudioCtx(), dims.headDim());
        this.crossV = ResidentTensor.allocate(model.decoder().graph(), place, ElementType.FLOAT,
                windows, layers, heads, dims.nAudioCtx(), dims.headDim());
        selfK.segment().fill((byte) 0); // masked positions are never read into a result, but NaN * 0 would be
        selfV.segment().fill((byte) 0);
        this.encoderBinding = model.encoder().bind();
        this.decoderBinding = model.decoder().bind();
        this.freeWindows = new Semaphore(windows, true);
        this.windowInUse = new boolean[windows];
    }

    public int rows() {
        return rows;
    }

    public int windows() {
        return windows;
    }

    /** Cross K/V of every window slot, for the alignment graph (read while a window's owner holds its slot). */
    ResidentTensor crossK() {
        return crossK;
    }

    ResidentTensor crossV() {
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
        try (ResidentTensor k = crossK.slice(window, 1); ResidentTensor v = crossV.slice(window, 1)) {
            model.encoder().encode(encoderBinding, mel, k, v);
        } finally {
            encoderBinding.clearOutputs();
        }
    }

    /**
     * One decoder call over the same number n of new tokens per row ({@code tokens} is [batch × n]):
     * the new tokens' K/V are written into the rows' slots at their offsets, and the logits the caller
     * asks for come back: {@code reads[b]} positions (0 … n-1) of row b.
     */
    public float[][][] run(long[] tokens, int[] offsets, int[] slots, int[] windows, int[][] reads) throws OrtException {
        int batch = offsets.length;
        int n = tokens.length / batch;
        for (int b = 0; b < batch; b++) {
            if (offsets[b] + n > dims.nTextCtx()) {
                throw new IllegalArgumentException("row " + b + " would pass the decoder's " + dims.nTextCtx() + " positions");
            }
        }
        long moved = (long) tokens.length * Long.BYTES + 3L * batch * Long.BYTES;
        try (Decoder.Outputs out = model.decoder().step(decoderBinding, tokens, longs(offsets), longs(slots), longs(windows),
                selfK, selfV, crossK, crossV)) {
            writeNewRows(out.newK().segment(), selfK, n, offsets, slots);
            writeNewRows(out.newV().segment(), selfV, n, offsets, slots);
            moved += 2L * batch * n * positionBytes;
            MemorySegment logits = out.logits().segment();
            int vocab = (int) (logits.byteSize() / Float.BYTES / batch / n);
            float[][][] result = new float[batch][][];
            for (int b = 0; b < batch; b++) {
                result[b] = new float[reads[b].length][];
                for (int i = 0; i < reads[b].length; i++) {
                    long offset = ((long) b * n + reads[b][i]) * vocab * Float.BYTES;
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

    /**
     * Copies the first {@code length} positions of slot {@code sources[i]} into slot {@code targets[i]}
     * for every i, all read before any is written (beam search: survivors continue a sibling's history;
     * best-of: the prompt's cache is shared out to every candidate's row).
     */
    public void copyRows(int[] sources, int[] targets, int length) {
        if (length == 0) {
            return;
        }
        int layersHeads = dims.nTextLayer() * dims.nTextHead();
        long headBytes = (long) dims.nTextCtx() * dims.headDim() * Float.BYTES;
        long used = (long) length * dims.headDim() * Float.BYTES;
        for (ResidentTensor cache : new ResidentTensor[] {selfK, selfV}) {
            MemorySegment data = cache.segment();
            float[][] saved = new float[sources.length][];
            for (int i = 0; i < sources.length; i++) {
                saved[i] = new float[(int) (layersHeads * used / Float.BYTES)];
                for (int lh = 0; lh < layersHeads; lh++) {
                    long from = ((long) sources[i] * layersHeads + lh) * headBytes;
                    MemorySegment.copy(data, JAVA_FLOAT, from, saved[i], (int) (lh * used / Float.BYTES), (int) (used / Float.BYTES));
                }
            }
            for (int i = 0; i < targets.length; i++) {
                for (int lh = 0; lh < layersHeads; lh++) {
                    long to = ((long) targets[i] * layersHeads + lh) * headBytes;
                    MemorySegment.copy(saved[i], (int) (lh * used / Float.BYTES), data, JAVA_FLOAT, to, (int) (used / Float.BYTES));
                }
            }
        }
    }

    /** new [batch, layers, heads, n, head_dim] → cache[slot, layer, head, offset .. offset + n, :], per row. */
    private void writeNewRows(MemorySegment fresh, ResidentTensor cache, int n, int[] offsets, int[] slots) {
        int layersHeads = dims.nTextLayer() * dims.nTextHead();
        long rowBytes = (long) n * dims.headDim() * Float.BYTES;
        long headBytes = (long) dims.nTextCtx() * dims.headDim() * Float.BYTES;
        MemorySegment data = cache.segment();
        for (int b = 0; b < slots.length; b++) {
            for (int lh = 0; lh < layersHeads; lh++) {
                long from = ((long) b * layersHeads + lh) * rowBytes;
                long to = ((long) slots[b] * layersHeads + lh) * headBytes + (long) offsets[b] * dims.headDim() * Float.BYTES;
                MemorySegment.copy(fresh, from, data, to, rowBytes);
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

    @Override
    public void close() {
        // Resources close in reverse order: the bindings first, then the tensors they were bound to.
        try (ResidentTensor a = selfK; ResidentTensor b = selfV; ResidentTensor c = crossK; ResidentTensor v = crossV;
             IoBinding e = encoderBinding; IoBinding d = decoderBinding) {
            // all closed, even if one throws
        }
    }
}
