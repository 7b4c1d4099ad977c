package speech.tts.roundtrip;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What the ASR service heard in a generation and how far it is from the text: stored with the generation
 * (as this JSON) and shown in its API view as {@code round_trip}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "RoundTrip", description = "The generation transcribed by the ASR service (tts.asr.url) and scored against its text")
public record RoundTripScore(
        @Schema(required = true, enumeration = {"pending", "scored", "unavailable"},
                description = "`pending`: being transcribed; `scored`: wer/cer/transcript are set; `unavailable`: the ASR service could not be "
                        + "reached or failed (see `error`); the speech itself was not affected")
        String status,
        @Schema(description = "Word error rate of the transcript against the normalised text (0 = every word heard)", example = "0.05") Double wer,
        @Schema(description = "Character error rate, same normalisation", example = "0.02") Double cer,
        @Schema(description = "What the ASR service heard") String transcript,
        @Schema(description = "The ASR model that transcribed it") String asrModel,
        @Schema(description = "Why the score is unavailable") String error,
        @Schema(description = "With `verify`: the most WER a generation may have to be accepted") Double maxWer,
        @Schema(description = "With `verify`: every generation tried, in order; the one kept has the lowest WER") List<Attempt> attempts) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "RoundTripAttempt", description = "One generation tried by `verify`")
    public record Attempt(@Schema(description = "Its noise seed") long seed, @Schema(enumeration = {"scored", "unavailable"}) String status,
                          Double wer, Double cer, String transcript, @Schema(description = "Whether this attempt is the one kept") boolean kept) {
    }

    public static final String PENDING = "pending";
    public static final String SCORED = "scored";
    public static final String UNAVAILABLE = "unavailable";

    /** Snake-case like the API, whatever mapper the caller has; stored rows written by newer versions still read. */
    private static final ObjectMapper JSON = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    public static RoundTripScore pending() {
        return new RoundTripScore(PENDING, null, null, null, null, null, null, null);
    }

    public static RoundTripScore scored(WordErrorRate.Rates rates, String transcript, String asrModel) {
        return new RoundTripScore(SCORED, rates.wer(), rates.cer(), transcript, asrModel, null, null, null);
    }

    public static RoundTripScore unavailable(String error) {
        return new RoundTripScore(UNAVAILABLE, null, null, null, null, error, null, null);
    }

    public boolean isScored() {
        return SCORED.equals(status);
    }

    public RoundTripScore withAttempts(double maxWer, List<Attempt> tried) {
        return new RoundTripScore(status, wer, cer, transcript, asrModel, error, maxWer, List.copyOf(tried));
    }

    public Attempt attempt(long seed, boolean kept) {
        return new Attempt(seed, status, wer, cer, transcript, kept);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stored score; null when the generation has none (no ASR service configured when it was made). */
    public static RoundTripScore fromJson(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return JSON.readValue(json, RoundTripScore.class);
        } catch (JsonProcessingException e) {
            return unavailable("the stored score could not be read");
        }
    }
}
