package speech.tts.echo;

import java.util.Arrays;

/**
 * Upstream's {@code sample_euler_cfg_independent_guidances} (docs/echo-tts-graphs.md#sampler), line for line,
 * over one or more text chunks sampled together as lanes of the same DiT calls.
 */
public final class EulerCfgSampler {

    /** linspace(1, 0, N+1) is scaled by this so the rescale formula also holds at the first step. */
    static final float INIT_SCALE = 0.999f;

    /** One velocity evaluation over a batch of lanes: a {@code dit_step} call. */
    @FunctionalInterface
    public interface Denoiser {
        /** x [lanes.count(), S, latent] → v of the same shape, lanes in order. */
        float[] velocity(float[] x, Lanes lanes, float t, float[] speakerKvScale);
    }

    /**
     * Which conditioning each lane sees. Lane i samples chunk {@code i % chunks}; unconditioning masks
     * every key of that kind (docs/echo-tts-graphs.md#cfg-lanes), the K/V themselves are the same in every lane.
     */
    public record Lanes(int chunks, boolean[] textOn, boolean[] speakerOn) {

        public int count() {
            return textOn.length;
        }

        public int chunk(int lane) {
            return lane % chunks;
        }

        static Lanes conditional(int chunks) {
            return new Lanes(chunks, filled(chunks, true), filled(chunks, true));
        }

        /** [conditional | text-unconditional | speaker-unconditional], each block one lane per chunk. */
        static Lanes cfg(int chunks) {
            boolean[] text = filled(3 * chunks, true);
            boolean[] speaker = filled(3 * chunks, true);
            Arrays.fill(text, chunks, 2 * chunks, false);
            Arrays.fill(speaker, 2 * chunks, 3 * chunks, false);
            return new Lanes(chunks, text, speaker);
        }
    }

    private EulerCfgSampler() {
    }

    /**
     * @param model        the DiT with this request's text and speaker K/V
     * @param initialNoise ε ~ N(0, I), [chunks, S, latent]
     * @param layers       DiT layers (length of the per-layer speaker K/V scale)
     * @return x₀, [chunks, S, latent] in PCA latent space
     */
    public static float[] sample(Denoiser model, float[] initialNoise, int chunks, int layers, SamplerSettings s) {
        int n = initialNoise.length;
        float[] t = timeSchedule(s.numSteps());
        float tau = s.truncationFactor() == null ? 1f : s.truncationFactor();
        float[] x = new float[n];
        for (int k = 0; k < n; k++) {
            x[k] = initialNoise[k] * tau;
        }
        Lanes conditional = Lanes.conditional(chunks);
        Lanes cfg = Lanes.cfg(chunks);

        for (int i = 0; i < s.numSteps(); i++) {
            float ti = t[i];
            float tNext = t[i + 1];
            float[] kvScale = speakerKvScale(s, layers, ti, t[0]);

            float[] v;
            if (s.cfgMinT() <= ti && ti <= s.cfgMaxT()) {
                float[] lanes = model.velocity(repeat(x, 3), cfg, ti, kvScale);
                v = new float[n];
                for (int k = 0; k < n; k++) {
                    float vCond = lanes[k];
                    float vNoText = lanes[n + k];
                    float vNoSpeaker = lanes[2 * n + k];
                    v[k] = vCond + s.cfgScaleText() * (vCond - vNoText) + s.cfgScaleSpeaker() * (vCond - vNoSpeaker);
                }
            } else {
                v = model.velocity(x, conditional, ti, kvScale);
            }

            // Temporal score rescaling (arXiv 2510.01184): scale the implied noise ε̂ = x + (1 − t)·v by r.
            if (s.rescales() && ti < 1f) {
                float k = s.rescaleK();
                float sigma2 = s.rescaleSigma() * s.rescaleSigma();
                float snr = (1 - ti) * (1 - ti) / (ti * ti);
                float r = (sigma2 * snr + 1) / (sigma2 * snr / k + 1);
                for (int j = 0; j < n; j++) {
                    v[j] = (r * ((1 - ti) * v[j] + x[j]) - x[j]) / (1 - ti);
                }
            }

            // Euler step towards t' (t = 1 is noise, t = 0 data).
            float dt = tNext - ti;
            for (int j = 0; j < n; j++) {
                x[j] += v[j] * dt;
            }
        }
        return x;
    }

    /** t_i = float32(linspace(1, 0, N + 1))[i] · 0.999, with torch's two-sided linspace arithmetic. */
    static float[] timeSchedule(int steps) {
        int count = steps + 1;
        float step = (0f - 1f) / (count - 1);
        int halfway = count / 2;
        float[] t = new float[count];
        for (int i = 0; i < count; i++) {
            float linear = i < halfway ? 1f + step * i : 0f - step * (count - i - 1);
            t[i] = linear * INIT_SCALE;
        }
        return t;
    }

    /**
     * Force speaker as a per-layer input instead of scaling caches in place: s on the first N layers
     * while upstream's cache would still be scaled. Upstream unscales only when t crosses min_t, so if
     * min_t is above the first t the scale stays on for the whole run.
     */
    static float[] speakerKvScale(SamplerSettings s, int layers, float t, float tFirst) {
        float[] scale = new float[layers];
        Arrays.fill(scale, 1f);
        if (!s.forcesSpeaker()) {
            return scale;
        }
        float minT = s.speakerKvMinT() == null ? SamplerSettings.FORCE_SPEAKER_MIN_T : s.speakerKvMinT();
        if (t >= minT || minT > tFirst) {
            int scaled = s.speakerKvMaxLayers() == null ? layers : Math.min(layers, s.speakerKvMaxLayers());
            Arrays.fill(scale, 0, scaled, s.speakerKvScale());
        }
        return scale;
    }

    private static float[] repeat(float[] x, int times) {
        float[] out = new float[x.length * times];
        for (int r = 0; r < times; r++) {
            System.arraycopy(x, 0, out, r * x.length, x.length);
        }
        return out;
    }

    private static boolean[] filled(int n, boolean value) {
        boolean[] a = new boolean[n];
        Arrays.fill(a, value);
        return a;
    }
}
