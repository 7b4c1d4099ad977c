package speech.tts.echo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import speech.runtime.ort.Graph;
import speech.runtime.ort.GraphContract;
import speech.runtime.ort.Tensors;

/**
 * S1-DAC encode and decode with the PCA folded in by the export: waveform ⇄ 80-d latents.
 * The only user of {@code dac_encode} and {@code dac_decode}.
 */
public final class Codec implements AutoCloseable {

    private static final String AUDIO = "audio";
    private static final String LATENT = "latent";
    static final GraphContract ENCODE = new GraphContract("dac_encode", Set.of(AUDIO), Set.of(LATENT));
    static final GraphContract DECODE = new GraphContract("dac_decode", Set.of(LATENT), Set.of(AUDIO));

    /** A latent sequence [frames, latentDim], row-major. */
    public record Latent(float[] data, int frames) {
    }

    private final Graph encode;
    private final Graph decode;
    private final EchoModel.Constants constants;

    /** Takes ownership of both graphs (opened with {@link #ENCODE} and {@link #DECODE}). */
    Codec(Graph encode, Graph decode, EchoModel.Constants constants) {
        this.encode = encode;
        this.decode = decode;
        this.constants = constants;
    }

    /**
     * Upstream's load_audio peak limit + get_speaker_latent_and_mask (docs/echo-tts-graphs.md#speaker-reference):
     * at most the model's maximum speaker length, encoded in zero-padded fixed-size chunks (what training used),
     * the frames that real samples cover kept, then trimmed to whole patches.
     *
     * @param samples mono audio at the model's sample rate
     */
    public Latent referenceLatent(float[] samples) throws OrtException {
        EchoModel.Constants c = constants;
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
             OrtSession.Result r = encode.run(Map.of(AUDIO, audioT), Set.of(LATENT))) {
            return Tensors.floats(r, LATENT);
        }
    }

    /** dac_decode: latent f32 [1, T, 80] → audio f32 [1, 1, 2048·T], in [-1, 1]. */
    public float[] decode(float[] latent, int frames) throws OrtException {
        try (OrtSession.RunOptions options = new OrtSession.RunOptions()) {
            return decode(latent, frames, options);
        }
    }

    /** The same, stoppable: setting {@code options}' terminate flag from another thread ends the call with an OrtException. */
    public float[] decode(float[] latent, int frames, OrtSession.RunOptions options) throws OrtException {
        if (frames == 0) {
            return new float[0];
        }
        int size = frames * constants.latentDim();
        float[] input = latent.length == size ? latent : Arrays.copyOf(latent, size);
        try (OnnxTensor latentT = Tensors.floats(input, 1, frames, constants.latentDim());
             OrtSession.Result r = decode.run(Map.of(LATENT, latentT), options)) {
            return Tensors.floats(r, AUDIO);
        }
    }

    /** Waits for running calls, then frees both sessions. */
    @Override
    public void close() throws OrtException {
        try {
            encode.close();
        } finally {
            decode.close();
        }
    }
}
