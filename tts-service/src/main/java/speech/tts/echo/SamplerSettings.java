package speech.tts.echo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import speech.runtime.error.InvalidRequestException;

/**
 * Every sampler option of upstream's {@code sample_euler_cfg_independent_guidances}, with upstream's
 * defaults (README / inference.py: 40 steps, CFG 3 / 8 inside t ∈ [0.5, 1], everything else off) and the
 * ranges the API accepts. This record is the only place defaults live; request DTOs map onto it.
 *
 * <p>Optional features are {@code null} when off, as upstream's {@code None}: truncation (τ), temporal
 * score rescaling (k and σ together) and force-speaker (K/V scale, its layer count and its end time).
 *
 * <p>The JSON names are the request's and the stored generation's ({@code num_steps} …); Jackson
 * writes and reads the record, and merges a request's {@link Overrides} onto the defaults by name.
 */
public record SamplerSettings(
        @JsonProperty("num_steps") int numSteps,
        @JsonProperty("cfg_scale_text") float cfgScaleText,
        @JsonProperty("cfg_scale_speaker") float cfgScaleSpeaker,
        @JsonProperty("cfg_min_t") float cfgMinT,
        @JsonProperty("cfg_max_t") float cfgMaxT,
        @JsonProperty("truncation_factor") Float truncationFactor,
        @JsonProperty("rescale_k") Float rescaleK,
        @JsonProperty("rescale_sigma") Float rescaleSigma,
        @JsonProperty("speaker_kv_scale") Float speakerKvScale,
        @JsonProperty("speaker_kv_max_layers") Integer speakerKvMaxLayers,
        @JsonProperty("speaker_kv_min_t") Float speakerKvMinT,
        @JsonProperty("sequence_length") int sequenceLength) {

    /** The fields a request sets, null where it keeps the default; same JSON names as the settings. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Overrides(
            @JsonProperty("num_steps") Integer numSteps,
            @JsonProperty("cfg_scale_text") Float cfgScaleText,
            @JsonProperty("cfg_scale_speaker") Float cfgScaleSpeaker,
            @JsonProperty("cfg_min_t") Float cfgMinT,
            @JsonProperty("cfg_max_t") Float cfgMaxT,
            @JsonProperty("truncation_factor") Float truncationFactor,
            @JsonProperty("rescale_k") Float rescaleK,
            @JsonProperty("rescale_sigma") Float rescaleSigma,
            @JsonProperty("speaker_kv_scale") Float speakerKvScale,
            @JsonProperty("speaker_kv_max_layers") Integer speakerKvMaxLayers,
            @JsonProperty("speaker_kv_min_t") Float speakerKvMinT,
            @JsonProperty("sequence_length") Integer sequenceLength) {

        public static final Overrides NONE = new Overrides(null, null, null, null, null, null, null, null, null, null, null, null);

        /** {@code defaults} with every field this sets replaced (null fields are not written, so they keep the default). */
        public SamplerSettings applyTo(SamplerSettings defaults) {
            ObjectNode merged = JSON.valueToTree(defaults);
            merged.setAll((ObjectNode) JSON.valueToTree(this));
            try {
                return JSON.treeToValue(merged, SamplerSettings.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("settings and overrides disagree on a field's type", e);
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

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
     * {@link InvalidRequestException} naming the field for anything out of range, and for options that would do nothing
     * (half of a rescale pair, force-speaker parts without a scale, force-speaker without a voice).
     */
    public SamplerSettings validate(int maxLatentLength, int layers, boolean hasSpeaker) {
        range("num_steps", numSteps, 1, MAX_STEPS);
        range("cfg_scale_text", cfgScaleText, 0, MAX_CFG_SCALE);
        range("cfg_scale_speaker", cfgScaleSpeaker, 0, MAX_CFG_SCALE);
        range("cfg_min_t", cfgMinT, 0, 1);
        range("cfg_max_t", cfgMaxT, 0, 1);
        if (cfgMinT > cfgMaxT) {
            throw InvalidRequestException.invalidParam("cfg_min_t", "cfg_min_t (" + cfgMinT + ") must not exceed cfg_max_t (" + cfgMaxT + ")");
        }
        positive("truncation_factor", truncationFactor, 2);
        positive("rescale_k", rescaleK, 10);
        positive("rescale_sigma", rescaleSigma, 100);
        if ((rescaleK == null) != (rescaleSigma == null)) {
            throw InvalidRequestException.invalidParam(rescaleK == null ? "rescale_k" : "rescale_sigma",
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
            throw InvalidRequestException.invalidParam(speakerKvMaxLayers != null ? "speaker_kv_max_layers" : "speaker_kv_min_t",
                    "speaker_kv_max_layers and speaker_kv_min_t only apply with speaker_kv_scale");
        }
        if (speakerKvScale != null && !hasSpeaker) {
            throw InvalidRequestException.invalidParam("speaker_kv_scale", "speaker_kv_scale needs a voice_id (there is no speaker to force)");
        }
        range("sequence_length", sequenceLength, 1, maxLatentLength);
        return this;
    }

    private static void range(String param, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw InvalidRequestException.invalidParam(param, param + " must be between " + fmt(min) + " and " + fmt(max) + ", got " + fmt(value));
        }
    }

    private static void positive(String param, Float value, double max) {
        if (value != null && !(value > 0 && value <= max)) {
            throw InvalidRequestException.invalidParam(param, param + " must be greater than 0 and at most " + fmt(max) + ", got " + fmt(value));
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
    }
}
