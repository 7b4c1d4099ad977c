package speech.asr.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** OpenAI's response_format values with the media type each is served as. */
public enum ResponseFormat {
    JSON("application/json"),
    TEXT("text/plain; charset=utf-8"),
    SRT("application/x-subrip; charset=utf-8"),
    VTT("text/vtt; charset=utf-8"),
    VERBOSE_JSON("application/json");

    private final String mediaType;

    ResponseFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The format named {@code value} (any case); empty when none is. */
    public static Optional<ResponseFormat> parse(String value) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.name().equals(v)).findFirst();
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).toList());
    }
}
