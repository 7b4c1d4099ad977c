package speech.asr.api;

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

    @Schema(name = "Transcription", description = "response_format json (the default)")
    public record Json(String text) {
    }

    @Schema(name = "TranscriptionVerbose", description = "response_format verbose_json: language, duration and timed segments")
    public record VerboseJson(String task, String language, double duration, String text, List<SegmentJson> segments,
                              @JsonProperty("x_processing_seconds") double processingSeconds, @JsonProperty("x_model") String model) {
    }

    @Schema(name = "TranscriptionSegment", description = "One segment; times in seconds from the start of the recording")
    public record SegmentJson(int id, int seek, double start, double end, String text, List<Integer> tokens, double temperature,
                              @JsonProperty("avg_logprob") double avgLogprob,
                              @JsonProperty("compression_ratio") double compressionRatio,
                              @JsonProperty("no_speech_prob") double noSpeechProb) {
    }

    /** The body for {@code format}: a record for the JSON formats, a String otherwise. */
    public static Object write(ResponseFormat format, Transcript t, double processingSeconds, String model) {
        return switch (format) {
            case JSON -> new Json(t.text());
            case TEXT -> t.text() + "\n";
            case SRT -> srt(t.segments());
            case VTT -> vtt(t.segments());
            case VERBOSE_JSON -> verbose(t, processingSeconds, model);
        };
    }

    public static VerboseJson verbose(Transcript t, double processingSeconds, String model) {
        List<SegmentJson> segments = t.segments().stream().map(s -> new SegmentJson(s.id(), s.seek(), round(s.start()), round(s.end()),
                s.text(), s.tokens(), s.temperature(), s.avgLogprob(), s.compressionRatio(), s.noSpeechProb())).toList();
        return new VerboseJson(t.task().apiName(), t.language(), round(t.duration()), t.text(), segments,
                Math.round(processingSeconds * 1000) / 1000.0, model);
    }

    public static String srt(List<Segment> segments) {
        StringBuilder out = new StringBuilder();
        int n = 1;
        for (Segment s : segments) {
            out.append(n++).append('\n')
                    .append(time(s.start(), ',')).append(" --> ").append(time(s.end(), ',')).append('\n')
                    .append(s.text().strip()).append("\n\n");
        }
        return out.toString();
    }

    public static String vtt(List<Segment> segments) {
        StringBuilder out = new StringBuilder("WEBVTT\n\n");
        for (Segment s : segments) {
            out.append(time(s.start(), '.')).append(" --> ").append(time(s.end(), '.')).append('\n')
                    .append(s.text().strip()).append("\n\n");
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
