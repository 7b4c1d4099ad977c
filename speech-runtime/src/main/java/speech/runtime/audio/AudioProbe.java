package speech.runtime.audio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a file really is, from ffprobe (a client's Content-Type and file name are not trusted): the
 * container's format names and whether it holds an audio stream. ffprobe runs as a process, like ffmpeg.
 */
public final class AudioProbe {

    /** @param formats ffprobe's format names, most specific first ("mov", "mp4", "m4a" …) */
    public record Result(List<String> formats, boolean hasAudio) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String ffprobe;
    private final Duration timeout;

    public AudioProbe(String ffprobe, Duration timeout) {
        this.ffprobe = ffprobe;
        this.timeout = timeout;
    }

    /** @throws AudioDecodeException when ffprobe cannot read the file */
    public Result probe(Path file) {
        byte[] out;
        try {
            List<String> cmd = new ArrayList<>(List.of(ffprobe, "-v", "error", "-show_entries", "format=format_name:stream=codec_type",
                    "-of", "json", "-protocol_whitelist", "file", "-format_whitelist", FfmpegProcess.UPLOAD_FORMATS, "file:" + file));
            out = FfmpegProcess.run(cmd, null, timeout);
        } catch (FfmpegProcess.Failure f) {
            throw new AudioDecodeException(f.timedOut() ? "probing the file took longer than " + timeout.toSeconds() + " s"
                    : "the file is not audio in a format ffmpeg can read");
        }
        JsonNode probe;
        try {
            probe = JSON.readTree(out);
        } catch (IOException e) {
            throw new IllegalStateException("ffprobe wrote no JSON: " + e.getMessage(), e);
        }
        boolean hasAudio = false;
        for (JsonNode stream : probe.path("streams")) {
            hasAudio |= "audio".equals(stream.path("codec_type").asText());
        }
        List<String> formats = new ArrayList<>(List.of(probe.path("format").path("format_name").asText("").split(",")));
        formats.removeIf(String::isEmpty);
        return new Result(List.copyOf(formats), hasAudio);
    }
}
