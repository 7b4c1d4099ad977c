package speech.tts.echo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Arrays;
import java.util.Map;
import speech.runtime.ort.Tensors;

/**
 * S1-DAC encode and decode with the PCA folded in by the export: waveform ⇄ 80-d latents.
 */
public final class Codec {

    /** A latent sequence [frames, latentDim], row-major. */
    public record Latent(float[] data, int frames) {
    }

    private final EchoModel model;

    public Codec(EchoModel model) {
        this.model = model;
    }

    /**
     * Upstream's load_audio peak limit + get_speaker_latent_and_mask (docs/echo-tts-graphs.md#speaker-reference):
     * at most the model's maximum speaker length, encoded in zero-padded fixed-size chunks (what training used),
     * the frames that real samples cover kept, then trimmed to whole patches.
     *
     * @param samples mono audio at the model's sample rate
     */
    public Latent referenceLatent(float[] samples) throws OrtException {
        EchoModel.Constants c = model.constants();
        float peak = 0;
        for (float v : samples) {
            peak = Math.max(peak, Math.abs(v));
        }
        float divisor = Math.max(peak, 1f); // only a clipping signal is attenuated
        int n = (int) Math.min(samples.length, (long) c.maxSpeakerFrames() * c.samplesPerLatent());
        int chunkFrames = c.speakerChunkSamples() / c.samplesPerLatent();
        int chunks = (n + c.speakerChunkSamples() - 1) / c.speakerChunkSamples();
        float[] latent = new float[chunks * chunkFrames * c.latentDim()];
        for (int chunk = 0; chunk < chunks; chunk++) {
            float[] audio = new float[c.speakerChunkSamples()];
            int from = chunk * c.speakerChunkSamples();
            for (int i = 0; i < Math.min(audio.length, n - from); i++) {
                audio[i] = samples[from + i] / divisor;
            }
            float[] encoded = encode(audio);
            System.arraycopy(encoded, 0, latent, chunk * chunkFrames * c.latentDim(), encoded.length);
        }
        int frames = n / c.samplesPerLatent();
        frames -= frames % c.patchSize();
        return new Latent(Arrays.copyOf(latent, frames * c.latentDim()), frames);
    }

    /** dac_encode: audio f32 [1, 1, L] (L a multiple of samples_per_latent) → latent f32 [1, L/2048, 80]. */
    float[] encode(float[] audio) throws OrtException {
        try (OnnxTensor audioT = Tensors.floats(audio, 1, 1, audio.length);
             OrtSession.Result r = model.dacEncode.run(Map.of("audio", audioT), java.util.Set.of("latent"))) {
            return Tensors.floats(r, "latent");
        }
    }

    /** dac_decode: latent f32 [1, T, 80] → audio f32 [1, 1, 2048·T], in [-1, 1]. */
    public float[] decode(float[] latent, int frames) throws OrtException {
        if (frames == 0) {
            return new float[0];
        }
        int size = frames * model.constants().latentDim();
        float[] input = latent.length == size ? latent : Arrays.copyOf(latent, size);
        try (OnnxTensor latentT = Tensors.floats(input, 1, frames, model.constants().latentDim());
             OrtSession.Result r = model.dacDecode.run(Map.of("latent", latentT))) {
            return Tensors.floats(r, "audio");
        }
    }
}
