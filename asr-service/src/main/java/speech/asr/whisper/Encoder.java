package speech.asr.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.util.List;
import java.util.Set;
import speech.runtime.ort.Graph;
import speech.runtime.ort.GraphContract;
import speech.runtime.ort.Tensors;
import speech.runtime.ort.binding.IoBinding;
import speech.runtime.ort.binding.ResidentTensor;

/** Log-mel window → the cross-attention keys and values of every decoder layer. The only user of encoder.onnx. */
public final class Encoder implements AutoCloseable {

    private static final String INPUT_FEATURES = "input_features";

    /** cross_k_0 … cross_k_{layers-1}, then cross_v_0 …: one output per decoder layer (format_version 3). */
    static GraphContract contract(int layers) {
        return new GraphContract("encoder", Set.of(INPUT_FEATURES), Set.copyOf(Decoder.layerNames(layers, "cross_k", "cross_v")));
    }

    private final Graph graph;
    private final int nMels;
    private final int nFrames;

    /** Takes ownership of the graph (opened with {@link #contract}). */
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
     * Runs encoder.onnx on one window, each layer's output written straight into {@code crossK.get(l)} /
     * {@code crossV.get(l)}.
     * <ul>
     * <li>in  {@code input_features} f32 [1, n_mels, n_frames]</li>
     * <li>out {@code cross_k_<l>} f32 [1, n_text_head, n_audio_ctx, head_dim] → {@code crossK.get(l)}</li>
     * <li>out {@code cross_v_<l>} f32 same → {@code crossV.get(l)}</li>
     * </ul>
     */
    void encode(IoBinding binding, float[] mel, List<ResidentTensor> crossK, List<ResidentTensor> crossV) throws OrtException {
        try (OnnxTensor features = Tensors.floats(mel, 1, nMels, nFrames)) {
            binding.bindInput(INPUT_FEATURES, features);
            for (int l = 0; l < crossK.size(); l++) {
                binding.bindOutput("cross_k_" + l, crossK.get(l)).bindOutput("cross_v_" + l, crossV.get(l));
            }
            binding.run();
        }
    }

    /** Waits for running calls, then frees the session. */
    @Override
    public void close() throws OrtException {
        graph.close();
    }
}
