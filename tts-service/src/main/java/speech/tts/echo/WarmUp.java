package speech.tts.echo;

import ai.onnxruntime.OrtException;
import java.util.Locale;

/**
 * One short inference through the speech path of a freshly loaded model, before it serves a request: the
 * speaker K/V of "no voice" (speaker_cond, cached for requests without one), then a few words synthesized
 * with one sampler step (text_cond, one DiT call, dac_decode). On CUDA this is where cuDNN and the memory
 * arenas are set up; the first real request then finds them ready. dac_encode (voice creation only, on a
 * whole reference chunk) is left out: it would cost more than everything else on a CPU.
 */
public final class WarmUp {

    static final String TEXT = "Hello.";
    /** Latents sampled at most: enough for the text, small enough to cost little on a CPU. */
    static final int MAX_LATENTS = 32;

    private WarmUp() {
    }

    /** Runs it on {@code synthesizer}'s model; says what ran. */
    public static String run(EchoModel model, Synthesizer synthesizer) {
        EchoModel.Constants c = model.constants();
        try {
            Conditioning.Speaker speaker = model.conditioning().unconditioned();
            SamplerSettings oneStep = new SamplerSettings(1, SamplerSettings.CFG_SCALE_TEXT, SamplerSettings.CFG_SCALE_SPEAKER,
                    SamplerSettings.CFG_MIN_T, SamplerSettings.CFG_MAX_T, null, null, null, null, null, null,
                    Math.min(MAX_LATENTS, c.maxLatentLength()));
            Synthesizer.Result r = synthesizer.synthesize(TEXT, speaker, oneStep, 0L);
            if (r.audio().length == 0) {
                // The sampled latents ended at once, so nothing was decoded: decode one patch for the codec's sake.
                model.codec().decode(new float[c.patchSize() * c.latentDim()], c.patchSize());
            }
            return String.format(Locale.ROOT, "speaker_cond, text_cond, %d DiT call(s), dac_decode", r.ditCalls());
        } catch (OrtException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
