package speech.tts.echo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import speech.runtime.ort.Graph;
import speech.runtime.ort.GraphContract;
import speech.runtime.ort.Tensors;
import speech.runtime.ort.binding.BoundOutputs;
import speech.runtime.ort.binding.ElementType;
import speech.runtime.ort.binding.IoBinding;
import speech.runtime.ort.binding.MemoryPlace;
import speech.runtime.ort.binding.ResidentTensor;

/**
 * {@code dit_step}, the only user of that graph. {@link #bind} ties it to one request's conditioning.
 *
 * <pre>
 * x f32 [B, S, 80], t f32 [B], text_mask bool [B, Lt], speaker_mask bool [B, Lsp] (patches),
 * text_k/text_v f32 [Ld, 1|B, Lt, H, D], speaker_k/speaker_v f32 [Ld, 1|B, Lsp, H, D], spk_kv_scale f32 [Ld]
 *   → v f32 [B, S, 80]
 * </pre>
 * One chunk uses the batch-1 K/V (broadcast inside the graph); several chunks get per-lane copies.
 */
public final class DitStep implements AutoCloseable {

    private static final String X = "x";
    private static final String T = "t";
    private static final String TEXT_MASK = "text_mask";
    private static final String SPEAKER_MASK = "speaker_mask";
    private static final String TEXT_K = "text_k";
    private static final String TEXT_V = "text_v";
    private static final String SPEAKER_K = "speaker_k";
    private static final String SPEAKER_V = "speaker_v";
    private static final String SPK_KV_SCALE = "spk_kv_scale";
    private static final String V = "v";
    static final GraphContract CONTRACT = new GraphContract("dit_step",
            Set.of(X, T, TEXT_MASK, SPEAKER_MASK, TEXT_K, TEXT_V, SPEAKER_K, SPEAKER_V, SPK_KV_SCALE), Set.of(V));

    private final Graph graph;
    private final String modelId;
    private final int latentDim;
    private final boolean perLaneConditioning;

    /** Takes ownership of the graph (opened with {@link #CONTRACT}). */
    DitStep(Graph graph, String modelId, int latentDim) throws OrtException {
        this.graph = graph;
        this.modelId = modelId;
        this.latentDim = latentDim;
        long[] textK = ((TensorInfo) graph.inputInfo().get(TEXT_K).getInfo()).getShape();
        this.perLaneConditioning = textK.length == 5 && textK[1] != 1;
    }

    /**
     * Whether the graph takes per-lane text/speaker K/V (batch axis dynamic), so several text chunks
     * can share one batched step. A graph fixed to batch 1 samples chunks one after another.
     */
    public boolean perLaneConditioning() {
        return perLaneConditioning;
    }

    /** The step for one request: its K/V tensors are made once and reused by every call; close it after sampling. */
    public Bound bind(Conditioning.Text text, Conditioning.Speaker speaker) {
        return new Bound(text, speaker);
    }

    /**
     * Rows of several requests in one call: per-row x, t and key masks; K/V with one row per row
     * (Bc = B, each row's keys zero-padded to the longest and masked) or one shared row (Bc = 1).
     */
    public record Rows(float[] x, int s, float[] t, boolean[] textMask, boolean[] speakerMask,
                       Conditioning.KeysValues text, Conditioning.KeysValues speaker, float[] speakerKvScale) {

        public int count() {
            return t.length;
        }
    }

    /**
     * One {@code dit_step} call over {@code rows}, every input a host tensor: v [B, S, 80]. The K/V buffers
     * are wrapped, not copied, but on CUDA they cross to the device at every call; {@link Resident} keeps them there.
     */
    public float[] velocity(Rows rows) {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            stepInputs(rows, inputs);
            inputs.put(TEXT_K, Bound.tensor(rows.text().k(), rows.text().shape()));
            inputs.put(TEXT_V, Bound.tensor(rows.text().v(), rows.text().shape()));
            inputs.put(SPEAKER_K, Bound.tensor(rows.speaker().k(), rows.speaker().shape()));
            inputs.put(SPEAKER_V, Bound.tensor(rows.speaker().v(), rows.speaker().shape()));
            try (OrtSession.Result r = graph.run(inputs)) {
                return Tensors.floats(r, V);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("dit_step failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Binds the K/V of one batch composition to {@code dit_step} once, for all the steps it runs: see
     * {@link Resident}. The buffers must stay unchanged while it is open; close it before this step.
     */
    Resident resident(Conditioning.KeysValues text, Conditioning.KeysValues speaker) throws OrtException {
        return new Resident(text, speaker);
    }

    // What changes every step: x, t, the key masks and the speaker scale (the caller closes them).
    private void stepInputs(Rows rows, Map<String, OnnxTensor> into) throws OrtException {
        int b = rows.count();
        into.put(X, Tensors.floats(rows.x(), b, rows.s(), latentDim));
        into.put(T, Tensors.floats(rows.t(), b));
        into.put(TEXT_MASK, Tensors.bools(rows.textMask(), b, rows.text().length()));
        into.put(SPEAKER_MASK, Tensors.bools(rows.speakerMask(), b, rows.speaker().length()));
        into.put(SPK_KV_SCALE, Tensors.floats(rows.speakerKvScale(), rows.speakerKvScale().length));
    }

    /**
     * Text and speaker K/V bound once to an {@link IoBinding} of {@code dit_step}: each call binds only
     * x, t, the masks and the speaker scale. On the CPU the bound K/V are the conditioning's own direct
     * buffers (wrapped in place, no copy); on CUDA ONNX Runtime's BindInput copies a host tensor to the
     * device when it is bound, and the binding runs every later step on that device copy, so the K/V
     * cross the bus once per batch composition instead of once per step. One thread uses it at a time.
     */
    final class Resident implements AutoCloseable {

        private final Conditioning.KeysValues text;
        private final Conditioning.KeysValues speaker;
        private final List<ResidentTensor> keysValues = new ArrayList<>();
        private final IoBinding binding;
        private long bytesBound;

        private Resident(Conditioning.KeysValues text, Conditioning.KeysValues speaker) throws OrtException {
            this.text = text;
            this.speaker = speaker;
            this.binding = IoBinding.create(graph);
            try {
                bindOnce(TEXT_K, text.k(), text.shape());
                bindOnce(TEXT_V, text.v(), text.shape());
                bindOnce(SPEAKER_K, speaker.k(), speaker.shape());
                bindOnce(SPEAKER_V, speaker.v(), speaker.shape());
                binding.bindOutput(V, MemoryPlace.cpu());
            } catch (OrtException | RuntimeException e) {
                close();
                throw e;
            }
        }

        /** v [B, S, 80] for rows whose K/V are this composition's (the same buffers, not equal copies). */
        float[] velocity(Rows rows) {
            if (rows.text() != text || rows.speaker() != speaker) {
                throw new IllegalArgumentException("rows of another batch composition than the bound K/V");
            }
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                stepInputs(rows, inputs);
                for (Map.Entry<String, OnnxTensor> input : inputs.entrySet()) {
                    binding.bindInput(input.getKey(), input.getValue());
                    TensorInfo info = input.getValue().getInfo();
                    bytesBound += Tensors.elements(info.getShape()) * info.type.size;
                }
                binding.run();
                try (BoundOutputs out = binding.outputs()) {
                    return out.get(V).toFloatArray();
                }
            } catch (OrtException e) {
                throw new IllegalStateException("dit_step failed: " + e.getMessage(), e);
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }

        Conditioning.KeysValues text() {
            return text;
        }

        Conditioning.KeysValues speaker() {
            return speaker;
        }

        /** Bytes handed to the binding so far: the K/V once, then each call's step inputs. */
        long bytesBound() {
            return bytesBound;
        }

        /** The bound K/V tensors (text_k, text_v, speaker_k, speaker_v): the same native values for every step. */
        List<ResidentTensor> keysValues() {
            return List.copyOf(keysValues);
        }

        private void bindOnce(String name, FloatBuffer data, long[] shape) throws OrtException {
            ResidentTensor tensor = ResidentTensor.wrap(MemorySegment.ofBuffer(data.duplicate().rewind()), ElementType.FLOAT, shape);
            keysValues.add(tensor);
            binding.bindInput(name, tensor);
            bytesBound += tensor.byteSize();
        }

        @Override
        public void close() {
            binding.close();
            keysValues.forEach(ResidentTensor::close);
        }
    }

    /** Waits for running calls, then frees the session. */
    @Override
    public void close() throws OrtException {
        graph.close();
    }

    /** dit_step with one request's conditioning; each call only adds x, t, the lane masks and the speaker scale. */
    public final class Bound implements EulerCfgSampler.Denoiser, AutoCloseable {

        private final Conditioning.Text text;
        private final Conditioning.Speaker speaker;
        private final int chunks;
        private final int textLength;
        private final Map<Integer, OnnxTensor[]> kvByLanes = new HashMap<>();

        private Bound(Conditioning.Text text, Conditioning.Speaker speaker) {
            this.text = text;
            this.speaker = speaker;
            this.chunks = text.kv().batch();
            this.textLength = text.kv().length();
            if (chunks > 1 && !perLaneConditioning) {
                throw new IllegalArgumentException("dit_step of " + modelId + " takes batch-1 conditioning only");
            }
        }

        @Override
        public float[] velocity(float[] x, EulerCfgSampler.Lanes lanes, float t, float[] speakerKvScale) {
            int b = lanes.count();
            int s = x.length / (b * latentDim);
            int lsp = speaker.patchMask().length;
            float[] times = new float[b];
            boolean[] textMask = new boolean[b * textLength];
            boolean[] speakerMask = new boolean[b * lsp];
            for (int lane = 0; lane < b; lane++) {
                times[lane] = t;
                if (lanes.textOn()[lane]) {
                    System.arraycopy(text.mask(), lanes.chunk(lane) * textLength, textMask, lane * textLength, textLength);
                }
                if (lanes.speakerOn()[lane]) {
                    System.arraycopy(speaker.patchMask(), 0, speakerMask, lane * lsp, lsp);
                }
            }
            try (OnnxTensor xT = Tensors.floats(x, b, s, latentDim);
                 OnnxTensor tT = Tensors.floats(times, b);
                 OnnxTensor textMaskT = Tensors.bools(textMask, b, textLength);
                 OnnxTensor speakerMaskT = Tensors.bools(speakerMask, b, lsp);
                 OnnxTensor scaleT = Tensors.floats(speakerKvScale, speakerKvScale.length)) {
                OnnxTensor[] kv = keysValues(b);
                Map<String, OnnxTensor> inputs = Map.of(X, xT, T, tT, TEXT_MASK, textMaskT, SPEAKER_MASK, speakerMaskT,
                        TEXT_K, kv[0], TEXT_V, kv[1], SPEAKER_K, kv[2], SPEAKER_V, kv[3], SPK_KV_SCALE, scaleT);
                try (OrtSession.Result r = graph.run(inputs)) {
                    return Tensors.floats(r, V);
                }
            } catch (OrtException e) {
                throw new IllegalStateException("dit_step failed: " + e.getMessage(), e);
            }
        }

        // Batch-1 K/V when every lane shares the prompt; otherwise one row per lane, made once per lane count.
        private OnnxTensor[] keysValues(int lanes) throws OrtException {
            int key = chunks == 1 ? 1 : lanes;
            OnnxTensor[] kv = kvByLanes.get(key);
            if (kv == null) {
                Conditioning.KeysValues textKv = key == 1 ? text.kv() : text.kv().tiled(lanes);
                Conditioning.KeysValues speakerKv = key == 1 ? speaker.kv() : speaker.kv().tiled(lanes);
                kv = new OnnxTensor[] {tensor(textKv.k(), textKv.shape()), tensor(textKv.v(), textKv.shape()),
                        tensor(speakerKv.k(), speakerKv.shape()), tensor(speakerKv.v(), speakerKv.shape())};
                kvByLanes.put(key, kv);
            }
            return kv;
        }

        // Wraps the direct buffer without a copy; the tensor keeps the buffer reachable while it lives.
        private static OnnxTensor tensor(FloatBuffer data, long[] shape) throws OrtException {
            return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), data.duplicate().rewind(), shape);
        }

        @Override
        public void close() {
            kvByLanes.values().forEach(kv -> {
                for (OnnxTensor t : kv) {
                    t.close();
                }
            });
            kvByLanes.clear();
        }
    }
}
