package speech.tts.echo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.HashMap;
import java.util.Map;
import speech.runtime.ort.Tensors;

/**
 * {@code dit_step} bound to one request's conditioning: the K/V tensors are created once and reused
 * by every step; each call only adds x, t, the lane masks and the per-layer speaker scale.
 *
 * <pre>
 * x f32 [B, S, 80], t f32 [B], text_mask bool [B, Lt], speaker_mask bool [B, Lsp] (patches),
 * text_k/text_v f32 [Ld, 1|B, Lt, H, D], speaker_k/speaker_v f32 [Ld, 1|B, Lsp, H, D], spk_kv_scale f32 [Ld]
 *   → v f32 [B, S, 80]
 * </pre>
 * One chunk uses the batch-1 K/V (broadcast inside the graph); several chunks get per-lane copies.
 */
public final class DitStep implements EulerCfgSampler.Denoiser, AutoCloseable {

    private final EchoModel model;
    private final Conditioning.Text text;
    private final Conditioning.Speaker speaker;
    private final int chunks;
    private final int textLength;
    private final Map<Integer, OnnxTensor[]> kvByLanes = new HashMap<>();

    public DitStep(EchoModel model, Conditioning.Text text, Conditioning.Speaker speaker) {
        this.model = model;
        this.text = text;
        this.speaker = speaker;
        this.chunks = text.kv().batch();
        this.textLength = text.kv().length();
        if (chunks > 1 && !model.perLaneConditioning()) {
            throw new IllegalArgumentException("dit_step of " + model.id() + " takes batch-1 conditioning only");
        }
    }

    @Override
    public float[] velocity(float[] x, EulerCfgSampler.Lanes lanes, float t, float[] speakerKvScale) {
        int b = lanes.count();
        int latentDim = model.constants().latentDim();
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
            Map<String, OnnxTensor> inputs = Map.of("x", xT, "t", tT, "text_mask", textMaskT, "speaker_mask", speakerMaskT,
                    "text_k", kv[0], "text_v", kv[1], "speaker_k", kv[2], "speaker_v", kv[3], "spk_kv_scale", scaleT);
            try (OrtSession.Result r = model.ditStep.run(inputs)) {
                return Tensors.floats(r, "v");
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

    private static OnnxTensor tensor(java.nio.FloatBuffer data, long[] shape) throws OrtException {
        return OnnxTensor.createTensor(ai.onnxruntime.OrtEnvironment.getEnvironment(), data.duplicate().rewind(), shape);
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
