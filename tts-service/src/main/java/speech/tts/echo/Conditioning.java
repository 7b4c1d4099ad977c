package speech.tts.echo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import speech.runtime.ort.Graph;
import speech.runtime.ort.GraphContract;
import speech.runtime.ort.Tensors;

/**
 * The DiT's cross-attention K/V: text K/V once per request ({@code text_cond}), speaker K/V once per
 * voice ({@code speaker_cond}, kept in this model's {@link SpeakerCache}). Results are plain direct
 * buffers, so they can be cached and wrapped as tensors without a copy. The only user of both graphs.
 */
public final class Conditioning implements AutoCloseable {

    private static final String TEXT_IDS = "text_ids";
    private static final String TEXT_MASK = "text_mask";
    private static final String TEXT_K = "text_k";
    private static final String TEXT_V = "text_v";
    private static final String SPEAKER_LATENT = "speaker_latent";
    private static final String SPEAKER_MASK = "speaker_mask";
    private static final String SPEAKER_K = "speaker_k";
    private static final String SPEAKER_V = "speaker_v";
    private static final String SPEAKER_PATCH_MASK = "speaker_patch_mask";
    static final GraphContract TEXT_COND = new GraphContract("text_cond", Set.of(TEXT_IDS, TEXT_MASK), Set.of(TEXT_K, TEXT_V));
    static final GraphContract SPEAKER_COND = new GraphContract("speaker_cond", Set.of(SPEAKER_LATENT, SPEAKER_MASK),
            Set.of(SPEAKER_K, SPEAKER_V, SPEAKER_PATCH_MASK));

    /**
     * Per-layer keys and values, [layers, batch, length, heads, headDim], in direct buffers.
     */
    public record KeysValues(FloatBuffer k, FloatBuffer v, long[] shape) {

        public int batch() {
            return (int) shape[1];
        }

        public int length() {
            return (int) shape[2];
        }

        public long bytes() {
            return 2L * 4 * Tensors.elements(shape);
        }

        /** The same K/V for each of {@code lanes} lanes, lane i taking batch row {@code i % batch}. */
        public KeysValues tiled(int lanes) {
            long[] out = shape.clone();
            out[1] = lanes;
            return new KeysValues(tile(k, lanes), tile(v, lanes), out);
        }

        /**
         * One batch row per entry: row i is batch row {@code rows.get(i)} of {@code sources.get(i)}, zero-padded to
         * {@code length} keys (the caller masks the padding). Every source has the same layers, heads and head size.
         */
        static KeysValues rows(List<KeysValues> sources, List<Integer> rows, int length) {
            long[] first = sources.getFirst().shape();
            int layers = (int) first[0];
            int perKey = (int) (first[3] * first[4]);
            int count = sources.size();
            FloatBuffer k = direct(layers * count * length * perKey);
            FloatBuffer v = direct(layers * count * length * perKey);
            for (int l = 0; l < layers; l++) {
                for (int i = 0; i < count; i++) {
                    KeysValues src = sources.get(i);
                    int n = src.length() * perKey;
                    int from = (l * src.batch() + rows.get(i)) * n;
                    int to = (l * count + i) * length * perKey;
                    k.put(to, src.k(), from, n);
                    v.put(to, src.v(), from, n);
                }
            }
            return new KeysValues(k, v, new long[] {layers, count, length, first[3], first[4]});
        }

        private FloatBuffer tile(FloatBuffer src, int lanes) {
            int layers = (int) shape[0];
            int row = (int) (shape[2] * shape[3] * shape[4]);
            FloatBuffer dst = direct(layers * lanes * row);
            for (int l = 0; l < layers; l++) {
                for (int lane = 0; lane < lanes; lane++) {
                    dst.put(src.duplicate().position((l * batch() + lane % batch()) * row).limit((l * batch() + lane % batch() + 1) * row));
                }
            }
            return dst.rewind();
        }
    }

    /** Text K/V for one or more prompts (batch rows), zero-padded to one length, with key masks [batch, length]. */
    public record Text(KeysValues kv, boolean[] mask) {
    }

    /** Speaker K/V (batch 1) and its patch-level key mask [1, patches]. */
    public record Speaker(KeysValues kv, boolean[] patchMask) {

        public long bytes() {
            return kv.bytes() + patchMask.length;
        }
    }

    private final Graph textCond;
    private final Graph speakerCond;
    private final EchoModel.Constants constants;
    private final SpeakerCache speakers;
    private volatile Speaker unconditioned;

    /** Takes ownership of both graphs (opened with {@link #TEXT_COND} and {@link #SPEAKER_COND}). */
    Conditioning(Graph textCond, Graph speakerCond, EchoModel.Constants constants, long speakerCacheBytes) {
        this.textCond = textCond;
        this.speakerCond = speakerCond;
        this.constants = constants;
        this.speakers = new SpeakerCache(speakerCacheBytes);
    }

    /**
     * text_cond: text_ids i64 [B, Lt], text_mask bool [B, Lt] → text_k, text_v f32 [Ld, B, Lt, H, D].
     * Prompts are padded to the longest with mask False; padded keys are never attended to.
     */
    public Text text(List<long[]> prompts) throws OrtException {
        int batch = prompts.size();
        int length = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        long[] ids = new long[batch * length];
        boolean[] mask = new boolean[batch * length];
        for (int b = 0; b < batch; b++) {
            long[] p = prompts.get(b);
            System.arraycopy(p, 0, ids, b * length, p.length);
            java.util.Arrays.fill(mask, b * length, b * length + p.length, true);
        }
        try (OnnxTensor idsT = Tensors.longs(ids, batch, length);
             OnnxTensor maskT = Tensors.bools(mask, batch, length);
             OrtSession.Result r = textCond.run(Map.of(TEXT_IDS, idsT, TEXT_MASK, maskT))) {
            return new Text(keysValues(r, TEXT_K, TEXT_V), mask);
        }
    }

    /**
     * speaker_cond: speaker_latent f32 [1, Ts, 80], speaker_mask bool [1, Ts] →
     * speaker_k, speaker_v f32 [Ld, 1, Ts/4, H, D], speaker_patch_mask bool [1, Ts/4].
     */
    public Speaker speaker(float[] latent, int frames) throws OrtException {
        boolean[] mask = new boolean[frames];
        java.util.Arrays.fill(mask, true);
        return speaker(latent, frames, mask);
    }

    /**
     * The speaker K/V of a voice from this model's cache, computed from its latent (read only on a miss)
     * on first use: a voice's latent never changes, only text K/V are per request.
     */
    public Speaker speaker(String voiceId, Supplier<Codec.Latent> latent) throws OrtException {
        return speakers.get(voiceId, () -> {
            Codec.Latent l = latent.get();
            return speaker(l.data(), l.frames());
        });
    }

    /** Drops a voice's speaker K/V (the voice was deleted). */
    public void forget(String voiceId) {
        speakers.remove(voiceId);
    }

    public SpeakerCache speakers() {
        return speakers;
    }

    /** No reference audio: upstream conditions on zeros [1, patch, latent] with every key masked. Computed once. */
    public Speaker unconditioned() throws OrtException {
        Speaker none = unconditioned;
        if (none == null) {
            int frames = constants.patchSize();
            none = speaker(new float[frames * constants.latentDim()], frames, new boolean[frames]);
            unconditioned = none;
        }
        return none;
    }

    private Speaker speaker(float[] latent, int frames, boolean[] mask) throws OrtException {
        try (OnnxTensor latentT = Tensors.floats(latent, 1, frames, constants.latentDim());
             OnnxTensor maskT = Tensors.bools(mask, 1, frames);
             OrtSession.Result r = speakerCond.run(Map.of(SPEAKER_LATENT, latentT, SPEAKER_MASK, maskT))) {
            OnnxTensor patchMask = (OnnxTensor) Tensors.output(r, SPEAKER_PATCH_MASK);
            ByteBuffer bytes = patchMask.getByteBuffer();
            boolean[] patches = new boolean[bytes.remaining()];
            for (int i = 0; i < patches.length; i++) {
                patches[i] = bytes.get(i) != 0;
            }
            return new Speaker(keysValues(r, SPEAKER_K, SPEAKER_V), patches);
        }
    }

    /** Waits for running calls, then frees both sessions. */
    @Override
    public void close() throws OrtException {
        try {
            textCond.close();
        } finally {
            speakerCond.close();
        }
    }

    private static KeysValues keysValues(OrtSession.Result r, String k, String v) {
        return new KeysValues(copy(Tensors.floats(r, k)), copy(Tensors.floats(r, v)), Tensors.shape(r, k));
    }

    private static FloatBuffer copy(float[] values) {
        return direct(values.length).put(values).rewind();
    }

    static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
