package speech.tts.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import speech.runtime.http.ApiException;
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
                            @Schema(enumeration = {"audio", "sse"}, description = "Stream the answer as it is made: `audio` chunks of the format, or `sse` events") String streamFormat,
                            @Schema(description = "Check the speech with the ASR service (needs tts.asr.url) and regenerate with a new seed while its "
                                    + "word error rate is above `max_wer`, at most `attempts` times; the best attempt is answered and stored. "
                                    + "Not with `stream_format`.") VerifyRequest verify) {

    /** The {@code verify} option as sent; the service checks its ranges. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record VerifyRequest(@Schema(required = true, minimum = "0", maximum = "1", example = "0.2", description = "Most word error rate accepted") Double maxWer,
                                @Schema(minimum = "1", maximum = "5", defaultValue = "3", description = "Generations tried at most") Integer attempts) {

        SpeakCommand.Verify toVerify() {
            if (maxWer == null || !(maxWer >= 0 && maxWer <= 1)) {
                throw ApiException.invalidParam("verify.max_wer", "verify.max_wer must be a number between 0 and 1");
            }
            int n = attempts == null ? 3 : attempts;
            if (n < 1 || n > SpeakCommand.Verify.MAX_ATTEMPTS) {
                throw ApiException.invalidParam("verify.attempts", "verify.attempts must be between 1 and " + SpeakCommand.Verify.MAX_ATTEMPTS);
            }
            return new SpeakCommand.Verify(maxWer, n);
        }
    }

    /** Picks the sampler fields out of the request by their JSON names (text, voice_id … are not sampler fields). */
    private static final ObjectMapper SAMPLER_FIELDS = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    SpeakCommand toCommand() {
        return new SpeakCommand(text, voiceId, false, model, format == null ? "wav" : format, seed, 1.0,
                SAMPLER_FIELDS.convertValue(this, SamplerSettings.Overrides.class), verify == null ? null : verify.toVerify());
    }
}
