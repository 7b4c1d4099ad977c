package speech.tts.echo;

import speech.runtime.http.ApiException;

/**
 * Every sampler option of upstream's {@code sample_euler_cfg_independent_guidances}, with upstream's
 * defaults (README / inference.py: 40 steps, CFG 3 / 8 inside t ∈ [0.5, 1], everything else off) and the
 * ranges the API accepts. This record is the only place defaults live; request DTOs map onto it.
 *
 * <p>Optional features are {@code null} when off, as upstream's {@code None}: truncation (τ), temporal
 * score rescaling (k and σ together) and force-speaker (K/V scale, its layer count and its end time).
 */
public record SamplerSettings(
        int numSteps,
        float cfgScaleText,
        float cfgScaleSpeaker,
        float cfgMinT,
        float cfgMaxT,
        Float truncationFactor,
        Float rescaleK,
        Float rescaleSigma,
        Float speakerKvScale,
        Integer speakerKvMaxLayers,
        Float speakerKvMinT,
        int sequenceLength) {

    public static final int NUM_STEPS = 40;
    public static final float CFG_SCALE_TEXT = 3.0f;
    public static final float CFG_SCALE_SPEAKER = 8.0f;
    public static final float CFG_MIN_T = 0.5f;
    public static final float CFG_MAX_T = 1.0f;
    /** Gradio's "Force Speaker" end time, used when a scale is given without one (upstream would raise). */
    public static final float FORCE_SPEAKER_MIN_T = 0.9f;
    public static final int MAX_STEPS = 200;
    public static final float MAX_CFG_SCALE = 50f;

    /** Upstream defaults; the sequence length is the model's full window. */
    public static SamplerSettings defaults(int maxLatentLength) {
        return new SamplerSettings(NUM_STEPS, CFG_SCALE_TEXT, CFG_SCALE_SPEAKER, CFG_MIN_T, CFG_MAX_T,
                null, null, null, null, null, null, maxLatentLength);
    }

    public boolean rescales() {
        return rescaleK != null && rescaleSigma != null;
    }

    public boolean forcesSpeaker() {
        return speakerKvScale != null;
    }

    /** Fills force-speaker's end time when only the scale was given. */
    public SamplerSettings withForceSpeakerDefaults() {
        if (speakerKvScale == null || speakerKvMinT != null) {
            return this;
        }
        return new SamplerSettings(numSteps, cfgScaleText, cfgScaleSpeaker, cfgMinT, cfgMaxT, truncationFactor,
                rescaleK, rescaleSigma, speakerKvScale, speakerKvMaxLayers, FORCE_SPEAKER_MIN_T, sequenceLength);
    }

    /**
     * 400 naming the field for anything out of range, and for options that would do nothing
     * (half of a rescale pair, force-speaker parts without a scale, force-speaker without a voice).
     */
    public SamplerSettings validate(int maxLatentLength, int layers, boolean hasSpeaker) {
        range("num_steps", numSteps, 1, MAX_STEPS);
        range("cfg_scale_text", cfgScaleText, 0, MAX_CFG_SCALE);
        range("cfg_scale_speaker", cfgScaleSpeaker, 0, MAX_CFG_SCALE);
        range("cfg_min_t", cfgMinT, 0, 1);
        range("cfg_max_t", cfgMaxT, 0, 1);
        if (cfgMinT > cfgMaxT) {
            throw ApiException.invalidParam("cfg_min_t", "cfg_min_t (" + cfgMinT + ") must not exceed cfg_max_t (" + cfgMaxT + ")");
        }
        positive("truncation_factor", truncationFactor, 2);
        positive("rescale_k", rescaleK, 10);
        positive("rescale_sigma", rescaleSigma, 100);
        if ((rescaleK == null) != (rescaleSigma == null)) {
            throw ApiException.invalidParam(rescaleK == null ? "rescale_k" : "rescale_sigma",
                    "rescale_k and rescale_sigma work together: give both or neither");
        }
        positive("speaker_kv_scale", speakerKvScale, 10);
        if (speakerKvMaxLayers != null) {
            range("speaker_kv_max_layers", speakerKvMaxLayers, 1, layers);
        }
        if (speakerKvMinT != null) {
            range("speaker_kv_min_t", speakerKvMinT, 0, 1);
        }
        if (speakerKvScale == null && (speakerKvMaxLayers != null || speakerKvMinT != null)) {
            throw ApiException.invalidParam(speakerKvMaxLayers != null ? "speaker_kv_max_layers" : "speaker_kv_min_t",
                    "speaker_kv_max_layers and speaker_kv_min_t only apply with speaker_kv_scale");
        }
        if (speakerKvScale != null && !hasSpeaker) {
            throw ApiException.invalidParam("speaker_kv_scale", "speaker_kv_scale needs a voice_id (there is no speaker to force)");
        }
        range("sequence_length", sequenceLength, 1, maxLatentLength);
        return this;
    }

    private static void range(String param, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw ApiException.invalidParam(param, param + " must be between " + fmt(min) + " and " + fmt(max) + ", got " + fmt(value));
        }
    }

    private static void positive(String param, Float value, double max) {
        if (value != null && !(value > 0 && value <= max)) {
            throw ApiException.invalidParam(param, param + " must be greater than 0 and at most " + fmt(max) + ", got " + fmt(value));
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
    }
}
