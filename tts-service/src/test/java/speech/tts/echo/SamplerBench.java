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

    /**
     * One 12-row batch (four requests' CFG lanes, 640 latents, per-row K/V): per-step time with the K/V
     * passed as host tensors at every call against bound once ({@link DitStep.Resident}), interleaved so
     * both see the same machine load; medians.
     */
    @Test
    void residentKvStepTime() throws Exception {
        int steps = Integer.getInteger("bench.steps", 10);
        int rows = 12;
        try (EchoModel model = EchoModel.load(Manifest.read(Path.of(System.getProperty("bench.model-dir"))).verifyFiles(),
                new OrtSessions(new OrtSettings("cpu", 0, 2, 1)), 0)) {
            Random rng = new Random(2);
            float[] speakerLatent = new float[216 * 80];
            for (int i = 0; i < speakerLatent.length; i++) {
                speakerLatent[i] = (float) rng.nextGaussian();
            }
            Conditioning.Speaker speaker = model.conditioning().speaker(speakerLatent, 216);
            Conditioning.Text text = model.conditioning().text(List.of(model.tokenizer().encodeNormalized(
                    "[S1] The quick brown fox jumps over the lazy dog, and then it runs all the way home before the rain begins to fall.")));
            Conditioning.KeysValues textKv = text.kv().tiled(rows);
            Conditioning.KeysValues speakerKv = speaker.kv().tiled(rows);
            int s = 640;
            float[] x = new float[rows * s * model.constants().latentDim()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian();
            }
            float[] t = new float[rows];
            java.util.Arrays.fill(t, 0.5f);
            boolean[] textMask = new boolean[rows * textKv.length()];
            boolean[] speakerMask = new boolean[rows * speakerKv.length()];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(text.mask(), 0, textMask, r * textKv.length(), textKv.length());
                System.arraycopy(speaker.patchMask(), 0, speakerMask, r * speakerKv.length(), speakerKv.length());
            }
            float[] scale = new float[model.constants().layers()];
            java.util.Arrays.fill(scale, 1f);
            DitStep.Rows batch = new DitStep.Rows(x, s, t, textMask, speakerMask, textKv, speakerKv, scale);
            double[] host = new double[steps];
            double[] resident = new double[steps];
            try (DitStep.Resident bound = model.ditStep().resident(textKv, speakerKv)) {
                model.ditStep().velocity(batch); // warm-up
                bound.velocity(batch);
                for (int i = 0; i < steps; i++) {
                    long t0 = System.nanoTime();
                    model.ditStep().velocity(batch);
                    long t1 = System.nanoTime();
                    bound.velocity(batch);
                    resident[i] = (System.nanoTime() - t1) / 1e6;
                    host[i] = (t1 - t0) / 1e6;
                }
            }
            java.util.Arrays.sort(host);
            java.util.Arrays.sort(resident);
            System.out.printf("JAVA/ORT K/V per step (%d rows x %d latents, K/V %.1f MB): host tensors %.1f ms, resident %.1f ms (median of %d, interleaved)%n",
                    rows, s, (textKv.bytes() + speakerKv.bytes()) / 1e6, host[steps / 2], resident[steps / 2], steps);
        }
        System.out.flush();
    }
}
