package speech.asr.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.util.Set;
import speech.runtime.ort.Graph;
import speech.runtime.ort.GraphContract;
import speech.runtime.ort.Tensors;
import speech.runtime.ort.binding.BoundOutputs;
import speech.runtime.ort.binding.IoBinding;
import speech.runtime.ort.binding.MemoryPlace;
import speech.runtime.ort.binding.ResidentTensor;

/** One batched decoder step over resident caches (docs/whisper-graphs.md). The only user of decoder.onnx. */
public final class Decoder implements AutoCloseable {

    private static final String TOKENS = "tokens";
    private static final String OFFSETS = "offsets";
    private static final String SLOTS = "slots";
    private static final String SELF_K = "self_k";
    private static final String SELF_V = "self_v";
    private static final String WINDOWS = "windows";
    private static final String CROSS_K = "cross_k";
    private static final String CROSS_V = "cross_v";
    private static final String LOGITS = "logits";
    private static final String NEW_K = "new_k";
    private static final String NEW_V = "new_v";
    static final GraphContract CONTRACT = new GraphContract("decoder",
            Set.of(TOKENS, OFFSETS, SLOTS, SELF_K, SELF_V, WINDOWS, CROSS_K, CROSS_V), Set.of(LOGITS, NEW_K, NEW_V));

    /** What one call returns, closed by the caller: logits [batch, n, n_vocab], new K/V [batch, layers, heads, n, head_dim]. */
    record Outputs(ResidentTensor logits, ResidentTensor newK, ResidentTensor newV, BoundOutputs all) implements AutoCloseable {
        @Override
        public void close() {
            all.close();
        }
    }

    private final Graph graph;

    /** Takes ownership of the graph (opened with {@link #CONTRACT}). */
    Decoder(Graph graph) {
        this.graph = graph;
    }

    Graph graph() {
        return graph;
    }

    /** A binding for the calls of one thread (close it before the model). */
    IoBinding bind() throws OrtException {
        return IoBinding.create(graph);
    }

    /**
     * decoder.onnx over {@code n} new tokens of each row; the caches are bound where they live.
     * <ul>
     * <li>in  {@code tokens} i64 [batch, n]; {@code offsets}, {@code slots}, {@code windows} i64 [batch]</li>
     * <li>in  {@code self_k}, {@code self_v} f32 [n_slots, n_text_layer, n_text_head, n_text_ctx, head_dim]</li>
     * <li>in  {@code cross_k}, {@code cross_v} f32 [n_windows, n_text_layer, n_text_head, n_audio_ctx, head_dim]</li>
     * <li>out {@code logits} f32 [batch, n, n_vocab]; {@code new_k}, {@code new_v} f32 [batch, n_text_layer, n_text_head, n, head_dim]</li>
     * </ul>
     */
    Outputs step(IoBinding binding, long[] tokens, long[] offsets, long[] slots, long[] windows,
                 ResidentTensor selfK, ResidentTensor selfV, ResidentTensor crossK, ResidentTensor crossV) throws OrtException {
        int batch = offsets.length;
        try (OnnxTensor tokenTensor = Tensors.longs(tokens, batch, tokens.length / batch);
             OnnxTensor offsetTensor = Tensors.longs(offsets, batch);
             OnnxTensor slotTensor = Tensors.longs(slots, batch);
             OnnxTensor windowTensor = Tensors.longs(windows, batch)) {
            binding.bindInput(TOKENS, tokenTensor).bindInput(OFFSETS, offsetTensor).bindInput(SLOTS, slotTensor)
                    .bindInput(SELF_K, selfK).bindInput(SELF_V, selfV)
                    .bindInput(WINDOWS, windowTensor).bindInput(CROSS_K, crossK).bindInput(CROSS_V, crossV)
                    .bindOutput(LOGITS, MemoryPlace.cpu()).bindOutput(NEW_K, MemoryPlace.cpu()).bindOutput(NEW_V, MemoryPlace.cpu());
            binding.run();
            BoundOutputs out = binding.outputs();
            return new Outputs(out.get(LOGITS), out.get(NEW_K), out.get(NEW_V), out);
        }
    }

    /** Waits for running calls, then frees the session. */
    @Override
    public void close() throws OrtException {
        graph.close();
    }
}
