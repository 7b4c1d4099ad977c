package speech.tts.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import speech.tts.echo.SamplerSettings;
import speech.tts.service.SpeakCommand;

/**
 * POST /v1/speech body. Every sampler field is optional; a missing one keeps the upstream default
 * ({@link SamplerSettings#defaults}). JSON names are snake_case (text, voice_id, num_steps …).
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record SpeechRequest(String text, String voiceId, String model, String format, Long seed,
                            Integer numSteps, Float cfgScaleText, Float cfgScaleSpeaker, Float cfgMinT, Float cfgMaxT,
                            Float truncationFactor, Float rescaleK, Float rescaleSigma,
                            Float speakerKvScale, Integer speakerKvMaxLayers, Float speakerKvMinT, Integer sequenceLength,
                            String streamFormat) {

    /** Picks the sampler fields out of the request by their JSON names (text, voice_id … are not sampler fields). */
    private static final ObjectMapper SAMPLER_FIELDS = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    SpeakCommand toCommand() {
        return new SpeakCommand(text, voiceId, false, model, format == null ? "wav" : format, seed, 1.0, SAMPLER_FIELDS.convertValue(this, SamplerSettings.Overrides.class));
    }
}
