package speech.tts.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import speech.tts.echo.SamplerSettings;
import speech.tts.service.SpeakCommand;

/**
 * POST /v1/speech body. Every sampler field is optional; a missing one keeps the upstream default
 * ({@link SamplerSettings#defaults}). JSON names are snake_case (text, voice_id, num_steps …).
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record SpeechRequest(@Schema(required = true, description = "The text to speak", example = "Hello from the speech platform.") String text,
                            @Schema(description = "A voice id (POST /v1/voices); none speaks unconditioned") String voiceId,
                            @Schema(description = "A model id from GET /v1/models; none means the default") String model,
                            @Schema(enumeration = {"wav", "flac", "mp3", "opus", "aac", "pcm"}, defaultValue = "wav", description = "Audio format of the answer") String format,
                            @Schema(description = "Noise seed; none picks one and reports it in X-Seed") Long seed,
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
