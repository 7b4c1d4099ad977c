package speech.asr.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
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

/** One batched decoder step over resident caches (docs/whisper-graphs.md). The only user of decoder.onnx. */
public final class Decoder implements AutoCloseable {

    private static final String TOKENS = "tokens";
    private static final String OFFSETS = "offsets";
    private static final String SLOTS = "slots";
    private static final String WINDOW_ROWS = "window_rows";
    private static final String READS = "reads";
    private static final String LOGITS = "logits";
    private static final String NEW_K = "new_k";
    private static final String NEW_V = "new_v";

    /** The inputs and outputs of a model with {@code layers} decoder layers (format_version 3). */
    static GraphContract contract(int layers) {
        List<String> inputs = new ArrayList<>(List.of(TOKENS, OFFSETS, SLOTS, WINDOW_ROWS, READS));
        inputs.addAll(layerNames(layers, "self_k", "self_v", "cross_k", "cross_v"));
        return new GraphContract("decoder", Set.copyOf(inputs), Set.of(LOGITS, NEW_K, NEW_V));
    }

    /** stem_0 … stem_{layers-1} for every stem, in that order: the graphs' one tensor per layer. */
    static List<String> layerNames(int layers, String... stems) {
        List<String> names = new ArrayList<>();
        for (String stem : stems) {
            for (int l = 0; l < layers; l++) {
                names.add(stem + "_" + l);
            }
        }
        return names;
    }

    /** What one call returns, closed by the caller: logits [batch, n_reads, n_vocab], new K/V [batch, layers, heads, n, head_dim]. */
    record Outputs(ResidentTensor logits, ResidentTensor newK, ResidentTensor newV, BoundOutputs all) implements AutoCloseable {
        @Override
        public void close() {
            all.close();
        }
    }

    /** Per layer, the cache tensors a call reads: slots [n_slots, …] and windows [n_windows, …] bound as they lie. */
    record Caches(List<ResidentTensor> selfK, List<ResidentTensor> selfV, List<ResidentTensor> crossK, List<ResidentTensor> crossV) {
    }

    private final Graph graph;

    /** Takes ownership of the graph (opened with {@link #contract}). */
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
     * decoder.onnx over {@code n} new tokens of each row; the caches are bound where they live and only read.
     * <ul>
     * <li>in  {@code tokens} i64 [batch, n]; {@code offsets}, {@code slots} i64 [batch]; {@code reads} i64 [batch, n_reads]</li>
     * <li>in  {@code window_rows} i64 [n_windows, group]: the rows reading each window, {@code batch} = none</li>
     * <li>in  {@code self_k_<l>}, {@code self_v_<l>} f32 [n_slots, n_text_head, n_text_ctx, head_dim]</li>
     * <li>in  {@code cross_k_<l>}, {@code cross_v_<l>} f32 [n_windows, n_text_head, n_audio_ctx, head_dim]</li>
     * <li>out {@code logits} f32 [batch, n_reads, n_vocab]; {@code new_k}, {@code new_v} f32 [batch, n_text_layer, n_text_head, n, head_dim]</li>
     * </ul>
     */
    Outputs step(IoBinding binding, long[] tokens, long[] offsets, long[] slots, long[][] windowRows, long[][] reads,
                 Caches caches) throws OrtException {
        int batch = offsets.length;
        try (OnnxTensor tokenTensor = Tensors.longs(tokens, batch, tokens.length / batch);
             OnnxTensor offsetTensor = Tensors.longs(offsets, batch);
             OnnxTensor slotTensor = Tensors.longs(slots, batch);
             OnnxTensor windowTensor = Tensors.longs(flatten(windowRows), windowRows.length, windowRows[0].length);
             OnnxTensor readTensor = Tensors.longs(flatten(reads), batch, reads[0].length)) {
            binding.bindInput(TOKENS, tokenTensor).bindInput(OFFSETS, offsetTensor).bindInput(SLOTS, slotTensor)
                    .bindInput(WINDOW_ROWS, windowTensor).bindInput(READS, readTensor);
            for (int l = 0; l < caches.selfK().size(); l++) {
                binding.bindInput("self_k_" + l, caches.selfK().get(l)).bindInput("self_v_" + l, caches.selfV().get(l))
                        .bindInput("cross_k_" + l, caches.crossK().get(l)).bindInput("cross_v_" + l, caches.crossV().get(l));
            }
            binding.bindOutput(LOGITS, MemoryPlace.cpu()).bindOutput(NEW_K, MemoryPlace.cpu()).bindOutput(NEW_V, MemoryPlace.cpu());
            binding.run();
            BoundOutputs out = binding.outputs();
            return new Outputs(out.get(LOGITS), out.get(NEW_K), out.get(NEW_V), out);
        }
    }

    private static long[] flatten(long[][] rows) {
        int width = rows[0].length;
        long[] out = new long[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != width) {
                throw new IllegalArgumentException("every row needs the same number of entries: " + rows[i].length + " != " + width);
            }
            System.arraycopy(rows[i], 0, out, i * width, width);
        }
        return out;
    }

    /** Waits for running calls, then frees the session. */
    @Override
    public void close() throws OrtException {
        graph.close();
    }
}
