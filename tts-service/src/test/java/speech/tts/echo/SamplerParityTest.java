package speech.tts.echo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import speech.tts.testing.Fixtures;
import speech.tts.testing.Safetensors;

/**
 * Whole sampler on ONNX Runtime (tiny export: text_cond, speaker_cond, dit_step) against the official
 * runs, with the fixture's initial noise injected. Gates from the fixture README: 2e-3 × scale, 5e-3 × scale
 * for the two temporal-score-rescaling cases.
 */
class SamplerParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"sampler_default", "sampler_truncation", "sampler_rescale", "sampler_flat_preset",
            "sampler_force_speaker", "sampler_no_speaker"})
    void latentMatchesTheOfficialSampler(String name) throws Exception {
        EchoModel model = TinyModel.get();
        Safetensors f = Fixtures.echoCase(name);
        Conditioning conditioning = model.conditioning();
        Conditioning.Text text = conditioning.text(java.util.List.of(f.longs("text_input_ids")));
        Conditioning.Speaker speaker = name.equals("sampler_no_speaker")
                ? conditioning.unconditioned()
                : conditioning.speaker(f.floats("speaker_latent"), (int) f.shape("speaker_latent")[1]);
        float[] out;
        try (DitStep.Bound dit = model.ditStep().bind(text, speaker)) {
            out = EulerCfgSampler.sample(dit, f.floats("initial_noise"), 1, model.constants().layers(), FixtureSettings.of(name));
        }
        float[] expected = f.floats("latent_out");
        double err = Fixtures.maxAbsDiff(out, expected) / Fixtures.scale(expected);
        double gate = FixtureSettings.isRescale(name) ? 5e-3 : 2e-3;
        System.out.printf("PARITY %-22s max|Δ|/scale = %.3g (gate %.0e)%n", name, err, gate);
        assertTrue(err <= gate, name + ": " + err);
    }

    @org.junit.jupiter.api.Test
    void unconditionedSpeakerIsTheOfficialZerosEncoding() throws Exception {
        Safetensors f = Fixtures.echoCase("speaker_encoder");
        Conditioning.Speaker none = TinyModel.get().conditioning().unconditioned();
        float[] k = new float[none.kv().k().capacity()];
        none.kv().k().duplicate().rewind().get(k);
        float[] expected = f.floats("zeros.speaker_k");
        assertTrue(Fixtures.maxAbsDiff(k, expected) <= 1e-3 * Fixtures.scale(expected));
        assertTrue(Arrays.equals(new boolean[] {false}, none.patchMask()));
    }
}
