package speech.asr.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import speech.asr.whisper.Segment;
import speech.asr.whisper.Transcript;

/** Transcript → the body of each response_format. Pure functions. */
public final class TranscriptWriter {

    private TranscriptWriter() {
    }

    /**
     * What the answer carries beyond the transcript: verbose_json's segments and/or words (OpenAI's
     * timestamp_granularities), and how srt/vtt cues are cut.
     */
    public record Options(boolean segments, boolean words, Subtitles.Options subtitles) {
        public static Options defaults() {
            return new Options(true, false, Subtitles.Options.defaults());
        }
    }

    @Schema(name = "Transcription", description = "response_format json (the default)")
    public record Json(String text) {
    }

    @Schema(name = "TranscriptionVerbose", description = "response_format verbose_json: language, duration, and the timed "
            + "segments and/or words that timestamp_granularities[] asks for (segments when it is absent)")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VerboseJson(String task, String language, double duration, String text,
                              @Schema(description = "With timestamp_granularities[] segment (the default)") List<SegmentJson> segments,
                              @Schema(description = "With timestamp_granularities[] word: every word, in order") List<WordJson> words,
                              @JsonProperty("x_processing_seconds") double processingSeconds, @JsonProperty("x_model") String model) {
    }

    @Schema(name = "TranscriptionSegment", description = "One segment; times in seconds from the start of the recording")
    public record SegmentJson(int id, int seek, double start, double end, String text, List<Integer> tokens, double temperature,
                              @JsonProperty("avg_logprob") double avgLogprob,
                              @JsonProperty("compression_ratio") double compressionRatio,
                              @JsonProperty("no_speech_prob") double noSpeechProb,
                              @Schema(description = "Language its window was decoded in (per window with multilingual=true)", example = "en")
                              String language) {
    }

    @Schema(name = "TranscriptionWord", description = "One word; times in seconds from the start of the recording")
    public record WordJson(@Schema(example = "Americans,") String word, double start, double end,
                           @Schema(description = "Mean probability of its tokens (faster-whisper's probability)") double probability) {
    }

    /** The body for {@code format}: a record for the JSON formats, a String otherwise. */
    public static Object write(ResponseFormat format, Transcript t, double processingSeconds, String model, Options o) {
        return switch (format) {
            case JSON -> new Json(t.text());
            case TEXT -> t.text() + "\n";
            case SRT -> srt(Subtitles.cues(t.segments(), o.subtitles()));
            case VTT -> vtt(Subtitles.cues(t.segments(), o.subtitles()));
            case VERBOSE_JSON -> verbose(t, processingSeconds, model, o);
        };
    }

    public static VerboseJson verbose(Transcript t, double processingSeconds, String model, Options o) {
        List<SegmentJson> segments = !o.segments() ? null : t.segments().stream().map(s -> new SegmentJson(s.id(), s.seek(),
                round(s.start()), round(s.end()), s.text(), s.tokens(), s.temperature(), s.avgLogprob(), s.compressionRatio(),
                s.noSpeechProb(), s.language())).toList();
        List<WordJson> words = !o.words() ? null : t.segments().stream().flatMap(s -> s.words().stream())
                .map(w -> new WordJson(w.word(), round(w.start()), round(w.end()), Math.round(w.probability() * 10000) / 10000.0))
                .toList();
        return new VerboseJson(t.task().apiName(), t.language(), round(t.duration()), t.text(), segments, words,
                Math.round(processingSeconds * 1000) / 1000.0, model);
    }

    public static String srt(List<Subtitles.Cue> cues) {
        StringBuilder out = new StringBuilder();
        int n = 1;
        for (Subtitles.Cue c : cues) {
            out.append(n++).append('\n')
                    .append(time(c.start(), ',')).append(" --> ").append(time(c.end(), ',')).append('\n')
                    .append(String.join("\n", c.lines())).append("\n\n");
        }
        return out.toString();
    }

    public static String vtt(List<Subtitles.Cue> cues) {
        StringBuilder out = new StringBuilder("WEBVTT\n\n");
        for (Subtitles.Cue c : cues) {
            out.append(time(c.start(), '.')).append(" --> ").append(time(c.end(), '.')).append('\n')
                    .append(String.join("\n", c.lines())).append("\n\n");
        }
        return out.toString();
    }

    /** HH:MM:SS,mmm (SubRip) or HH:MM:SS.mmm (WebVTT). */
    static String time(double seconds, char decimal) {
        long ms = Math.round(Math.max(0, seconds) * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, decimal, ms % 1000);
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
