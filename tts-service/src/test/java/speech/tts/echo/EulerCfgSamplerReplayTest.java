package speech.tts.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import speech.tts.testing.Fixtures;
import speech.tts.testing.Safetensors;

/**
 * The sampler's own arithmetic (schedule, CFG lanes, truncation, rescale, force-speaker schedule,
 * Euler) against the official traces: the "model" replays the recorded DiT outputs, so any
 * difference is the sampler's. The ORT-driven end-to-end parity is {@link SamplerParityTest}.
 */
class EulerCfgSamplerReplayTest {

    @ParameterizedTest
    @ValueSource(strings = {"sampler_default", "sampler_truncation", "sampler_rescale", "sampler_flat_preset",
            "sampler_force_speaker", "sampler_no_speaker"})
    void replayedTracesGiveTheOfficialLatent(String name) {
        Safetensors f = Fixtures.echoCase(name);
        SamplerSettings s = FixtureSettings.of(name);
        float[] noise = f.floats("initial_noise");
        float[] xSteps = f.floats("x_steps");
        int n = noise.length;
        int[] step = {0};
        boolean[] cfgSeen = new boolean[s.numSteps()];
        EulerCfgSampler.Denoiser replay = (x, lanes, t, kvScale) -> {
            int i = step[0]++;
            float[] expectedX = java.util.Arrays.copyOfRange(xSteps, i * n, (i + 1) * n);
            double scale = FixtureSettings.isRescale(name) ? 5e-3 : 1e-5;
            assertTrue(Fixtures.maxAbsDiff(java.util.Arrays.copyOf(x, n), expectedX) <= scale * Fixtures.scale(expectedX),
                    "x fed at step " + i);
            cfgSeen[i] = lanes.count() == 3;
            return f.floats("model_out.step" + i);
        };
        float[] out = EulerCfgSampler.sample(replay, noise, 1, 2, s);
        float[] expected = f.floats("latent_out");
        double err = Fixtures.maxAbsDiff(out, expected) / Fixtures.scale(expected);
        System.out.printf("replay %-22s max|Δ|/scale = %.3g%n", name, err);
        assertTrue(err <= (FixtureSettings.isRescale(name) ? 1e-3 : 1e-5), name + ": " + err);
        assertArrayEquals(new boolean[] {true, true, false, false}, cfgSeen);
    }

    @org.junit.jupiter.api.Test
    void timeScheduleIsTheOfficialFloat32Grid() {
        float[] expected = Fixtures.echoCase("sampler_default").floats("t_schedule");
        assertArrayEquals(expected, EulerCfgSampler.timeSchedule(4));
        float[] t40 = EulerCfgSampler.timeSchedule(40);
        assertEquals(0.999f, t40[0]);
        assertEquals(0f, t40[40]);
    }

    @org.junit.jupiter.api.Test
    void forceSpeakerScalesTheFirstLayersUntilTCrossesMinT() {
        SamplerSettings s = FixtureSettings.of("sampler_force_speaker");
        float[] t = EulerCfgSampler.timeSchedule(4);
        assertArrayEquals(new float[] {1.5f, 1f}, EulerCfgSampler.speakerKvScale(s, 2, t[0], t[0]));
        assertArrayEquals(new float[] {1.5f, 1f}, EulerCfgSampler.speakerKvScale(s, 2, t[1], t[0]));
        assertArrayEquals(new float[] {1f, 1f}, EulerCfgSampler.speakerKvScale(s, 2, t[2], t[0]));
        assertArrayEquals(new float[] {1f, 1f}, EulerCfgSampler.speakerKvScale(SamplerSettings.defaults(40), 2, t[0], t[0]));
    }
}
