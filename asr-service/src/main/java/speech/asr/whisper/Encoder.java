package speech.asr.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;
import java.util.Set;
import speech.runtime.ort.Graph;
import speech.runtime.ort.GraphContract;
import speech.runtime.ort.Tensors;

/** Log-mel window → the cross-attention keys and values of every decoder layer. The only user of encoder.onnx. */
public final class Encoder implements AutoCloseable {

    private static final String INPUT_FEATURES = "input_features";
    private static final String CROSS_K = "cross_k";
    private static final String CROSS_V = "cross_v";
    static final GraphContract CONTRACT = new GraphContract("encoder", Set.of(INPUT_FEATURES), Set.of(CROSS_K, CROSS_V));

    private final Graph graph;
    private final int nMels;
    private final int nFrames;

    /** Takes ownership of the graph (opened with {@link #CONTRACT}). */
    Encoder(Graph graph, WhisperManifest spec) {
        this.graph = graph;
        this.nMels = spec.dims().nMels();
        this.nFrames = spec.audio().nFrames();
    }

    /**
     * Runs encoder.onnx on one window.
     * <ul>
     * <li>in  {@code input_features} f32 [1, n_mels, n_frames]</li>
     * <li>out {@code cross_k} f32 [n_text_layer, 1, n_text_head, n_audio_ctx, head_dim]</li>
     * <li>out {@code cross_v} f32 same</li>
     * </ul>
     */
    public CrossKv encode(float[] mel) throws OrtException {
        try (OnnxTensor features = Tensors.floats(mel, 1, nMels, nFrames);
             OrtSession.Result out = graph.run(Map.of(INPUT_FEATURES, features))) {
            long[] shape = Tensors.shape(out, CROSS_K);
            return new CrossKv(Tensors.floats(out, CROSS_K), Tensors.floats(out, CROSS_V), shape);
        }
    }

    /** Waits for running calls, then frees the session. */
    @Override
    public void close() throws OrtException {
        graph.close();
    }

    /**
     * Cross K/V of one window, {@code [layers, 1, heads, ctx, head_dim]}, copied out of the encoder's result.
     * {@link #tensors(int)} lays them out for a decoder batch.
     */
    public record CrossKv(float[] k, float[] v, long[] shape) {

        /** Both as tensors for a batch of {@code n} identical rows; the caller closes them. */
        public Pair tensors(int n) throws OrtException {
            long[] s = shape.clone();
            s[1] = n;
            OnnxTensor kt = Tensors.floats(repeat(k, n), s);
            try {
                return new Pair(kt, Tensors.floats(repeat(v, n), s));
            } catch (OrtException | RuntimeException e) {
                kt.close();
                throw e;
            }
        }

        // [L, 1, rest] → [L, n, rest]
        private float[] repeat(float[] x, int n) {
            if (n == 1) {
                return x;
            }
            int layers = (int) shape[0];
            int row = x.length / layers;
            float[] out = new float[x.length * n];
            for (int l = 0; l < layers; l++) {
                for (int b = 0; b < n; b++) {
                    System.arraycopy(x, l * row, out, (l * n + b) * row, row);
                }
            }
            return out;
        }
    }

    /** The cross K/V tensors fed to every decoder call of one window. */
    public record Pair(OnnxTensor k, OnnxTensor v) implements AutoCloseable {
        @Override
        public void close() {
            try (OnnxTensor a = k; OnnxTensor b = v) {
                // closes both, even if one throws
            }
        }
    }
}
