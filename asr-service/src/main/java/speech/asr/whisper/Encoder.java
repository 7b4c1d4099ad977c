package speech.asr.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.util.Set;
import speech.runtime.ort.Graph;
import speech.runtime.ort.GraphContract;
import speech.runtime.ort.Tensors;
import speech.runtime.ort.binding.IoBinding;
import speech.runtime.ort.binding.ResidentTensor;

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

    Graph graph() {
        return graph;
    }

    /** A binding for the calls of one thread (close it before the model). */
    IoBinding bind() throws OrtException {
        return IoBinding.create(graph);
    }

    /**
     * Runs encoder.onnx on one window, its outputs written straight into {@code crossK} / {@code crossV}.
     * <ul>
     * <li>in  {@code input_features} f32 [1, n_mels, n_frames]</li>
     * <li>out {@code cross_k} f32 [1, n_text_layer, n_text_head, n_audio_ctx, head_dim] → {@code crossK}</li>
     * <li>out {@code cross_v} f32 same → {@code crossV}</li>
     * </ul>
     */
    void encode(IoBinding binding, float[] mel, ResidentTensor crossK, ResidentTensor crossV) throws OrtException {
        try (OnnxTensor features = Tensors.floats(mel, 1, nMels, nFrames)) {
            binding.bindInput(INPUT_FEATURES, features).bindOutput(CROSS_K, crossK).bindOutput(CROSS_V, crossV);
            binding.run();
        }
    }

    /** Waits for running calls, then frees the session. */
    @Override
    public void close() throws OrtException {
        graph.close();
    }
}
