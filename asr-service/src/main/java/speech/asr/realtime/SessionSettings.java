package speech.asr.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a live session is set to, read from OpenAI's {@code session.update} (GA: {@code session.audio.input.*})
 * or {@code transcription_session.update} (beta: {@code input_audio_format}, {@code input_audio_transcription},
 * {@code turn_detection}), and written back in the same dialect. A field left out keeps its value; what
 * this server does not do (other audio encodings, semantic VAD, noise reduction) is refused, never ignored.
 *
 * @param model    model id; null = the default (as are OpenAI's transcription model names)
 * @param rate     PCM16 sample rate of the appended audio: 24000 (OpenAI's) or 16000
 * @param turns    server VAD settings, or null: the client commits
 */
public record SessionSettings(String model, String language, String prompt, int rate, Turns turns) {

    /** OpenAI's {@code server_vad}: speech probability threshold, audio kept before speech, silence that ends a turn. */
    public record Turns(double threshold, int prefixPaddingMs, int silenceDurationMs) {
        static final Turns DEFAULT = new Turns(0.5, 300, 500);
    }

    /** A field of an update that cannot be applied. */
    public static final class Invalid extends RuntimeException {
        private final String param;

        Invalid(String param, String message) {
            super(message, null, false, false);
            this.param = param;
        }

        public String param() {
            return param;
        }
    }

    static final Set<Integer> RATES = Set.of(16_000, 24_000);
    /** As the form's fields (quarkus.http.limits.max-form-attribute-size). */
    static final int MAX_PROMPT_CHARS = 2048;
    private static final Set<String> OPENAI_MODELS = Set.of("whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe",
            "gpt-4o-transcribe-latest", "gpt-4o-mini-transcribe-2025-12-15");

    public static SessionSettings defaults(boolean hasVad) {
        return new SessionSettings(null, null, null, 24_000, hasVad ? Turns.DEFAULT : null);
    }

    /** This with the fields {@code session} sets; beta = the {@code transcription_session.update} shape. */
    public SessionSettings update(JsonNode session, boolean beta) {
        if (!beta && session.has("type") && !session.path("type").asText().equals("transcription")) {
            throw new Invalid("session.type", "this server has transcription sessions only: session.type must be transcription");
        }
        JsonNode input = beta ? session : session.path("audio").path("input");
        String prefix = beta ? "session." : "session.audio.input.";
        int newRate = beta ? betaRate(session) : gaRate(input.path("format"));
        JsonNode noise = input.path(beta ? "input_audio_noise_reduction" : "noise_reduction");
        if (!noise.isMissingNode() && !noise.isNull()) {
            throw new Invalid(prefix + (beta ? "input_audio_noise_reduction" : "noise_reduction"), "noise reduction is not supported; send null");
        }
        JsonNode t = input.path(beta ? "input_audio_transcription" : "transcription");
        String newModel = t.has("model") ? model(t.path("model")) : model;
        String newLanguage = t.has("language") ? text(t.path("language")) : language;
        String newPrompt = t.has("prompt") ? text(t.path("prompt")) : prompt;
        if (newPrompt != null && newPrompt.length() > MAX_PROMPT_CHARS) {
            throw new Invalid(prefix + (beta ? "input_audio_transcription" : "transcription") + ".prompt",
                    "prompt is at most " + MAX_PROMPT_CHARS + " characters (Whisper reads the last 223 tokens)");
        }
        JsonNode turn = input.path("turn_detection");
        Turns newTurns = turn.isMissingNode() ? turns : turns(turn, prefix + "turn_detection");
        return new SessionSettings(newModel, newLanguage, newPrompt, newRate, newTurns);
    }

    private int betaRate(JsonNode session) {
        JsonNode format = session.path("input_audio_format");
        if (!format.isMissingNode() && !format.asText().equals("pcm16")) {
            throw new Invalid("session.input_audio_format", "input_audio_format must be pcm16 (g711 is not supported)");
        }
        JsonNode r = session.path("input_audio_sample_rate"); // extension: OpenAI's pcm16 is always 24 kHz
        return r.isMissingNode() ? rate : checkedRate(r, "session.input_audio_sample_rate");
    }

    private int gaRate(JsonNode format) {
        if (format.isMissingNode()) {
            return rate;
        }
        if (!format.path("type").asText("audio/pcm").equals("audio/pcm")) {
            throw new Invalid("session.audio.input.format.type", "format.type must be audio/pcm (PCM16 little-endian, mono)");
        }
        return format.has("rate") ? checkedRate(format.path("rate"), "session.audio.input.format.rate") : rate;
    }

    private static int checkedRate(JsonNode r, String param) {
        if (!r.canConvertToInt() || !RATES.contains(r.asInt())) {
            throw new Invalid(param, "the sample rate must be 24000 or 16000");
        }
        return r.asInt();
    }

    private static Turns turns(JsonNode turn, String param) {
        if (turn.isNull()) {
            return null;
        }
        String type = turn.path("type").asText("server_vad");
        if (!type.equals("server_vad")) {
            throw new Invalid(param + ".type", "turn_detection.type must be server_vad (or turn_detection null to commit yourself)");
        }
        double threshold = turn.path("threshold").asDouble(Turns.DEFAULT.threshold());
        int prefix = turn.path("prefix_padding_ms").asInt(Turns.DEFAULT.prefixPaddingMs());
        int silence = turn.path("silence_duration_ms").asInt(Turns.DEFAULT.silenceDurationMs());
        if (!(threshold > 0 && threshold < 1)) {
            throw new Invalid(param + ".threshold", "threshold must be between 0 and 1");
        }
        if (prefix < 0 || prefix > 5000) {
            throw new Invalid(param + ".prefix_padding_ms", "prefix_padding_ms must be between 0 and 5000");
        }
        if (silence < 100 || silence > 10_000) {
            throw new Invalid(param + ".silence_duration_ms", "silence_duration_ms must be between 100 and 10000");
        }
        return new Turns(threshold, prefix, silence);
    }

    private static String model(JsonNode m) {
        String id = text(m);
        return id == null || OPENAI_MODELS.contains(id) ? null : id;
    }

    private static String text(JsonNode n) {
        return n.isNull() || n.asText().isBlank() ? null : n.asText().strip();
    }

    /** The session object of created/updated events, in the client's dialect; {@code modelId} is the model in use. */
    Map<String, Object> render(String id, String modelId, boolean beta) {
        Map<String, Object> transcription = new LinkedHashMap<>();
        transcription.put("model", modelId);
        transcription.put("language", language);
        transcription.put("prompt", prompt == null ? "" : prompt);
        Map<String, Object> turn = turns == null ? null : new LinkedHashMap<>(Map.of("type", "server_vad", "threshold", turns.threshold(),
                "prefix_padding_ms", turns.prefixPaddingMs(), "silence_duration_ms", turns.silenceDurationMs()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("object", "realtime.transcription_session");
        if (beta) {
            out.put("input_audio_format", "pcm16");
            out.put("input_audio_sample_rate", rate);
            out.put("input_audio_transcription", transcription);
            out.put("turn_detection", turn);
            out.put("input_audio_noise_reduction", null);
        } else {
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("format", Map.of("type", "audio/pcm", "rate", rate));
            input.put("transcription", transcription);
            input.put("turn_detection", turn);
            input.put("noise_reduction", null);
            out.put("type", "transcription");
            out.put("audio", Map.of("input", input));
        }
        return out;
    }
}
