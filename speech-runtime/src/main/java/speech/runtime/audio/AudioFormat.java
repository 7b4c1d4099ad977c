package speech.runtime.audio;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Output formats with their real media types and the ffmpeg encoder behind each. */
public enum AudioFormat {
    WAV("audio/wav", "wav"),
    FLAC("audio/flac", "flac"),
    MP3("audio/mpeg", "mp3"),
    OPUS("audio/ogg; codecs=opus", "ogg"),
    AAC("audio/aac", "aac"),
    /** Raw 16-bit little-endian mono samples, as OpenAI's "pcm" format. */
    PCM("audio/L16", "pcm");

    private final String mediaType;
    private final String extension;

    AudioFormat(String mediaType, String extension) {
        this.mediaType = mediaType;
        this.extension = extension;
    }

    public String mediaType() {
        return mediaType;
    }

    public String extension() {
        return extension;
    }

    public static Optional<AudioFormat> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.name().equals(n)).findFirst();
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).toList());
    }
}
