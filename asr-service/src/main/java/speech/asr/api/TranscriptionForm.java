package speech.asr.api;

import static speech.runtime.http.FormParts.field;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.resteasy.reactive.PartType;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import speech.asr.service.TranscribeCommand;
import speech.asr.whisper.Task;
import speech.runtime.http.ApiException;
import speech.runtime.http.FormParts;

/**
 * The multipart form of OpenAI's /v1/audio/transcriptions and /translations, and its parsing. Every optional field is
 * read through {@link FormParts#field}: a blank field is an absent one.
 */
public class TranscriptionForm {

    /** The items timestamp_granularities[] accepts, for the OpenAPI document (an array's enum belongs to its items). */
    @Schema(name = "TimestampGranularity", type = SchemaType.STRING, enumeration = {"segment", "word"})
    static final class TimestampGranularity {
    }

    @RestForm
    @Schema(required = true, description = "The recording: any audio or video container ffmpeg reads (wav, mp3, flac, ogg, m4a, webm, mp4 …)")
    public FileUpload file;

    /** Every file part, to refuse a second 'file'. */
    @RestForm(FileUpload.ALL)
    @Schema(hidden = true)
    public List<FileUpload> uploads;

    @RestForm
    @PartType("text/plain")
    @Schema(description = "Model id from GET /v1/models; `whisper-1` or none means the default", example = "whisper-1")
    public String model;

    @RestForm
    @PartType("text/plain")
    @Schema(description = "ISO-639-1 code of the spoken language; detected when absent", example = "en")
    public String language;

    @RestForm
    @PartType("text/plain")
    @Schema(description = "Text that precedes the audio: spellings, names, style", example = "Kennedy's inaugural address.")
    public String prompt;

    @RestForm("response_format")
    @PartType("text/plain")
    @Schema(enumeration = {"json", "text", "srt", "verbose_json", "vtt"}, defaultValue = "json", description = "Body format of the answer")
    public String responseFormat;

    @RestForm
    @PartType("text/plain")
    @Schema(type = SchemaType.NUMBER, minimum = "0", maximum = "1", defaultValue = "0", description = "Sampling temperature; 0 decodes greedily with the fallback ladder")
    public String temperature;

    /** faster-whisper's name; true (the default) decodes only the speech regions. */
    @RestForm("vad_filter")
    @PartType("text/plain")
    @Schema(type = SchemaType.BOOLEAN, defaultValue = "true", description = "true decodes only the speech regions (faster-whisper's vad_filter)")
    public String vadFilter;

    @RestForm
    @PartType("text/plain")
    @Schema(type = SchemaType.BOOLEAN, defaultValue = "false", description = "true answers text/event-stream: a "
            + "`transcript.text.delta` event per segment as soon as it is decoded (its times in `segment`), then "
            + "`transcript.text.done` with the whole text and usage, or an `error` event; response_format json or text only")
    public String stream;

    @RestForm("timestamp_granularities[]")
    @Schema(type = SchemaType.ARRAY, implementation = TimestampGranularity.class, description = "Only with verbose_json: `segment` "
            + "(the default) gives `segments`, `word` gives `words` with each word's start, end and probability; both give both. "
            + "Words need a model exported with its alignment graph (else 400)")
    public List<String> timestampGranularities;

    @RestForm("timestamp_granularities")
    @Schema(type = SchemaType.ARRAY, implementation = TimestampGranularity.class, description = "Alias of timestamp_granularities[] for clients that send it without brackets")
    public List<String> timestampGranularitiesPlain;

    @RestForm
    @PartType("text/plain")
    @Schema(type = SchemaType.BOOLEAN, defaultValue = "false", description = "true detects the language of every 30-s window "
            + "(a recording that switches language), each verbose_json segment saying its own (faster-whisper's multilingual); "
            + "multilingual models only, without `language`")
    public String multilingual;

    // No defaultValue in the schema: Swagger UI would send it with every format, and these are srt/vtt's only.
    @RestForm("max_line_width")
    @PartType("text/plain")
    @Schema(type = SchemaType.INTEGER, minimum = "10", maximum = "1000", description = "srt/vtt only: most characters per subtitle line (default 42)")
    public String maxLineWidth;

    @RestForm("max_line_count")
    @PartType("text/plain")
    @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "10", description = "srt/vtt only: most lines per cue (default 2)")
    public String maxLineCount;

    @RestForm("max_cue_seconds")
    @PartType("text/plain")
    @Schema(type = SchemaType.NUMBER, minimum = "1", maximum = "60", description = "srt/vtt only: longest a cue lasts, in seconds (default 7). "
            + "Cues are cut at word boundaries (word timestamps, when the model has its alignment graph) and never overlap")
    public String maxCueSeconds;

    /** The requested format; timestamp_granularities[] and the subtitle options are checked against it. */
    public ResponseFormat format() {
        ResponseFormat format = field(responseFormat).map(v -> ResponseFormat.parse(v).orElseThrow(() -> ApiException.invalidParam(
                "response_format", "response_format '" + v + "' is not one of " + ResponseFormat.names()))).orElse(ResponseFormat.JSON);
        granularities(format);
        subtitleOptions(format);
        return format;
    }

    /** stream=true: server-sent events, which carry plain text; srt, vtt and verbose_json are not streamed (400). */
    public boolean streamed(ResponseFormat format) {
        boolean streamed = bool(stream, "stream", false);
        if (streamed && format != ResponseFormat.JSON && format != ResponseFormat.TEXT) {
            throw ApiException.invalidParam("stream", "stream=true sends text events; use response_format json or text, not "
                    + format.name().toLowerCase(Locale.ROOT));
        }
        return streamed;
    }

    /** verbose_json's segments and/or words, and the srt/vtt limits. */
    public TranscriptWriter.Options writerOptions() {
        ResponseFormat format = format();
        List<String> g = granularities(format);
        return new TranscriptWriter.Options(g.isEmpty() || g.contains("segment"), g.contains("word"), subtitleOptions(format));
    }

    public TranscribeCommand toCommand(Task task) {
        FormParts.single(uploads, "file");
        if (file == null) {
            throw ApiException.invalidParam("file", "the form has no 'file' part with the audio");
        }
        ResponseFormat format = format();
        boolean subtitles = format == ResponseFormat.SRT || format == ResponseFormat.VTT;
        return new TranscribeCommand(task, file.uploadedFile(), file.size(), field(model).orElse(null),
                field(language).orElse(null), field(prompt).orElse(null),
                number(temperature, "temperature", 0.0, 0, 1, false), bool(vadFilter, "vad_filter", true),
                granularities(format).contains("word"), subtitles, bool(multilingual, "multilingual", false));
    }

    private static boolean bool(String value, String param, boolean absent) {
        return field(value).map(v -> switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.invalidParam(param, param + " must be true or false");
        }).orElse(absent);
    }

    private Subtitles.Options subtitleOptions(ResponseFormat format) {
        Subtitles.Options d = Subtitles.Options.defaults();
        // srt/vtt options only: other formats ignore them (Swagger UI and generated clients send every field of the form)
        if (format != ResponseFormat.SRT && format != ResponseFormat.VTT) {
            return d;
        }
        return new Subtitles.Options((int) number(maxLineWidth, "max_line_width", d.maxLineWidth(), 10, 1000, true),
                (int) number(maxLineCount, "max_line_count", d.maxLineCount(), 1, 10, true),
                number(maxCueSeconds, "max_cue_seconds", d.maxCueSeconds(), 1, 60, false));
    }

    private static double number(String value, String param, double absent, double min, double max, boolean integer) {
        return field(value).map(v -> inRange(v, param, min, max, integer)).orElse(absent);
    }

    private static double inRange(String value, String param, double min, double max, boolean integer) {
        try {
            double v = integer ? Integer.parseInt(value.strip()) : Double.parseDouble(value.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.invalidParam(param, param + " must be " + (integer ? "an integer" : "a number") + " from "
                + (integer ? String.valueOf((int) min) : String.valueOf(min)) + " to " + (integer ? String.valueOf((int) max) : String.valueOf(max)));
    }

    /** The granularities asked for ('segment', 'word'; none = segments), each only with verbose_json. */
    private List<String> granularities(ResponseFormat format) {
        List<String> granularities = new ArrayList<>(FormParts.items(timestampGranularities));
        granularities.addAll(FormParts.items(timestampGranularitiesPlain));
        List<String> out = new ArrayList<>();
        for (String g : granularities) {
            String v = g.strip().toLowerCase(Locale.ROOT);
            if (!v.equals("segment") && !v.equals("word")) {
                throw ApiException.invalidParam("timestamp_granularities[]", "timestamp_granularities[] items must be 'segment' or 'word'");
            }
            if (format != ResponseFormat.VERBOSE_JSON) {
                throw ApiException.invalidParam("timestamp_granularities[]", "timestamp_granularities[] needs response_format=verbose_json");
            }
            out.add(v);
        }
        return out;
    }
}
