package speech.asr.whisper;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import speech.runtime.ort.Graph;
import speech.runtime.ort.GraphContract;
import speech.runtime.ort.Tensors;
import speech.runtime.ort.binding.BoundOutputs;
import speech.runtime.ort.binding.IoBinding;
import speech.runtime.ort.binding.MemoryPlace;
import speech.runtime.ort.binding.ResidentTensor;

/** The alignment heads' cross-attention over a window's text, for word timestamps. The only user of alignment.onnx. */
public final class Aligner implements AutoCloseable {

    private static final String TOKENS = "tokens";
    private static final String WINDOWS = "windows";
    private static final String ATTENTION = "attention";
    private static final String TOKEN_PROBS = "token_probs";

    /** tokens, windows and the per-layer cross K/V of a model with {@code layers} decoder layers (format_version 3). */
    static GraphContract contract(int layers) {
        List<String> inputs = new ArrayList<>(List.of(TOKENS, WINDOWS));
        inputs.addAll(Decoder.layerNames(layers, "cross_k", "cross_v"));
        return new GraphContract("alignment", Set.copyOf(inputs), Set.of(ATTENTION, TOKEN_PROBS));
    }

    /**
     * @param attention  [alignment heads][n_tokens][n_audio_ctx] softmax weights
     * @param tokenProbs [n_tokens]: probability of the next token, over the text vocabulary
     */
    public record Alignment(float[][][] attention, float[] tokenProbs) {
    }

    private final Graph graph;

    /** Takes ownership of the graph (opened with {@link #contract}). */
    Aligner(Graph graph) {
        this.graph = graph;
    }

    /** A binding for the calls of one thread (close it before the model). */
    IoBinding bind() throws OrtException {
        return IoBinding.create(graph);
    }

    /**
     * alignment.onnx over one window's tokens; the resident cross K/V are bound where they live.
     * <ul>
     * <li>in  {@code tokens} i64 [1, n]: sot sequence, no_timestamps, the text, eot; {@code windows} i64 [1]</li>
     * <li>in  {@code cross_k_<l>}, {@code cross_v_<l>} f32 [n_windows, n_text_head, n_audio_ctx, head_dim], per layer</li>
     * <li>out {@code attention} f32 [1, n_alignment_heads, n, n_audio_ctx]; {@code token_probs} f32 [1, n]</li>
     * </ul>
     */
    Alignment align(IoBinding binding, long[] tokens, int window, List<ResidentTensor> crossK, List<ResidentTensor> crossV)
            throws OrtException {
        int n = tokens.length;
        try (OnnxTensor tokenTensor = Tensors.longs(tokens, 1, n);
             OnnxTensor windowTensor = Tensors.longs(new long[] {window}, 1)) {
            binding.bindInput(TOKENS, tokenTensor).bindInput(WINDOWS, windowTensor);
            for (int l = 0; l < crossK.size(); l++) {
                binding.bindInput("cross_k_" + l, crossK.get(l)).bindInput("cross_v_" + l, crossV.get(l));
            }
            binding.bindOutput(ATTENTION, MemoryPlace.cpu()).bindOutput(TOKEN_PROBS, MemoryPlace.cpu());
            binding.run();
            try (BoundOutputs out = binding.outputs()) {
                ResidentTensor attention = out.get(ATTENTION);
                int heads = (int) attention.shape()[1];
                int frames = (int) attention.shape()[3];
                MemorySegment data = attention.segment();
                float[][][] weights = new float[heads][n][];
                for (int h = 0; h < heads; h++) {
                    for (int t = 0; t < n; t++) {
                        long offset = ((long) h * n + t) * frames * Float.BYTES;
                        weights[h][t] = data.asSlice(offset, (long) frames * Float.BYTES).toArray(JAVA_FLOAT);
                    }
                }
                return new Alignment(weights, out.get(TOKEN_PROBS).toFloatArray());
            }
        }
    }

    /** Waits for running calls, then frees the session. */
    @Override
    public void close() throws OrtException {
        graph.close();
    }
}
