package speech.tts.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import speech.tts.echo.SamplerSettings;
import speech.tts.roundtrip.RoundTripScore;
import speech.tts.store.GenerationStore.Generation;
import speech.tts.store.Page;
import speech.tts.store.VoiceStore.Voice;

/** Response bodies. Ids and API paths only: never a server file path. */
final class Views {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Views() {
    }

    record VoiceView(String id, String object, String name, double durationSeconds, String mediaType, String model, String createdAt,
                     String audioUrl) {
        static VoiceView of(Voice v) {
            return new VoiceView(v.id(), "voice", v.name(), round(v.durationSeconds()), v.mediaType(), v.model(), v.createdAt().toString(),
                    "/v1/voices/" + v.id() + "/audio");
        }
    }

    record GenerationView(String id, String object, String voiceId, String model, String text, String format, String mediaType,
                          double durationSeconds, long processingMs, long seed,
                          @Schema(implementation = SamplerSettings.class, description = "The sampler settings the generation used") JsonNode settings, long bytes, String createdAt,
                          String audioUrl,
                          @Schema(description = "The ASR service's transcript and its score; absent when no ASR service was configured") RoundTripScore roundTrip) {
        static GenerationView of(Generation g) {
            JsonNode settings;
            try {
                settings = JSON.readTree(g.settingsJson());
            } catch (java.io.IOException e) {
                settings = null;
            }
            return new GenerationView(g.id(), "generation", g.voiceId(), g.model(), g.text(), g.format(), g.mediaType(),
                    round(g.durationSeconds()), g.processingMillis(), g.seed(), settings, g.audioBytes(), g.createdAt().toString(),
                    "/v1/generations/" + g.id() + "/audio", RoundTripScore.fromJson(g.roundTripJson()));
        }
    }

    record ListView<T>(String object, List<T> data, long total, int limit, int offset, boolean hasMore) {
        static <S, T> ListView<T> of(Page<S> page, Function<S, T> view) {
            return new ListView<>("list", page.data().stream().map(view).toList(), page.total(), page.limit(), page.offset(), page.hasMore());
        }
    }

    /** GET /v1/audio/voices, as OpenAI-style clients read it. */
    record AudioVoiceList(String object, List<AudioVoice> voices) {
    }

    record AudioVoice(String voiceId, String name) {
    }

    static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
