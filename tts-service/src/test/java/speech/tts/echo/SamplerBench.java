package speech.tts.echo;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import speech.runtime.model.Manifest;
import speech.runtime.ort.OrtSessions;
import speech.runtime.ort.OrtSettings;

/**
 * Sampler step time of the Java/ORT driver (bench/tts_bench.sh runs it with -Dbench.model-dir=…):
 * same prompt, reference length, 640 latents and CFG on every step as bench/tts_bench.py's PyTorch run.
 */
@EnabledIfSystemProperty(named = "bench.model-dir", matches = ".+")
class SamplerBench {

    @Test
    void stepTime() throws Exception {
        int steps = Integer.getInteger("bench.steps", 10);
        try (EchoModel model = EchoModel.load(Manifest.read(Path.of(System.getProperty("bench.model-dir"))).verifyFiles(),
                new OrtSessions(new OrtSettings("cpu", 0, 2, 1)), 0)) { // no speaker cache: the bench computes K/V itself
            String prompt = "[S1] The quick brown fox jumps over the lazy dog, and then it runs all the way home before the rain begins to fall.";
            Conditioning conditioning = model.conditioning();
            float[] speakerLatent = new float[216 * 80];
            Random rng = new Random(1);
            for (int i = 0; i < speakerLatent.length; i++) {
                speakerLatent[i] = (float) rng.nextGaussian();
            }
            Conditioning.Speaker speaker = conditioning.speaker(speakerLatent, 216);
            Conditioning.Text text = conditioning.text(List.of(model.tokenizer().encodeNormalized(prompt)));
            SamplerSettings cfgEveryStep = new SamplerSettings(steps, 3f, 8f, 0f, 1f, null, null, null, null, null, null, 640);
            float[] noise = new float[640 * 80];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) rng.nextGaussian();
            }
            try (DitStep.Bound dit = model.ditStep().bind(text, speaker)) {
                EulerCfgSampler.sample(dit, noise, 1, model.constants().layers(),
                        new SamplerSettings(1, 3f, 8f, 0f, 1f, null, null, null, null, null, null, 640)); // warm-up
                long t0 = System.nanoTime();
                EulerCfgSampler.sample(dit, noise, 1, model.constants().layers(), cfgEveryStep);
                double total = (System.nanoTime() - t0) / 1e9;
                System.out.printf("JAVA/ORT sampler: %d CFG steps (3 lanes x 640 latents) in %.2f s = %.0f ms/step (2 intra-op threads)%n",
                        steps, total, 1000 * total / steps);
            }
        }
        System.out.flush();
    }
}
