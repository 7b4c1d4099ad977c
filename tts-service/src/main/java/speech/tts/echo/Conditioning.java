package speech.tts.echo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import speech.runtime.ort.Tensors;

/**
 * The DiT's cross-attention K/V: text K/V once per request ({@code text_cond}), speaker K/V once per
 * voice ({@code speaker_cond}, cached by the caller). Results are plain direct buffers, so they can be
 * cached and wrapped as tensors without a copy.
 */
public final class Conditioning {

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
    }

    private final EchoModel model;

    public Conditioning(EchoModel model) {
        this.model = model;
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
             OrtSession.Result r = model.textCond.run(Map.of("text_ids", idsT, "text_mask", maskT))) {
            return new Text(keysValues(r, "text_k", "text_v"), mask);
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

    /** No reference audio: upstream conditions on zeros [1, patch, latent] with every key masked. */
    public Speaker unconditioned() throws OrtException {
        int frames = model.constants().patchSize();
        return speaker(new float[frames * model.constants().latentDim()], frames, new boolean[frames]);
    }

    private Speaker speaker(float[] latent, int frames, boolean[] mask) throws OrtException {
        try (OnnxTensor latentT = Tensors.floats(latent, 1, frames, model.constants().latentDim());
             OnnxTensor maskT = Tensors.bools(mask, 1, frames);
             OrtSession.Result r = model.speakerCond.run(Map.of("speaker_latent", latentT, "speaker_mask", maskT))) {
            OnnxTensor patchMask = (OnnxTensor) Tensors.output(r, "speaker_patch_mask");
            ByteBuffer bytes = patchMask.getByteBuffer();
            boolean[] patches = new boolean[bytes.remaining()];
            for (int i = 0; i < patches.length; i++) {
                patches[i] = bytes.get(i) != 0;
            }
            return new Speaker(keysValues(r, "speaker_k", "speaker_v"), patches);
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
