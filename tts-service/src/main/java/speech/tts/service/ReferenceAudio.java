package speech.tts.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import speech.runtime.audio.AudioDecodeException;

/**
 * What an uploaded file really is, from ffprobe (the client's Content-Type and file name are not
 * trusted): the container's media type, and whether it has an audio stream at all.
 */
final class ReferenceAudio {

    private static final Map<String, String> MEDIA_TYPES = Map.ofEntries(
            Map.entry("wav", "audio/wav"), Map.entry("mp3", "audio/mpeg"), Map.entry("flac", "audio/flac"),
            Map.entry("ogg", "audio/ogg"), Map.entry("mov", "audio/mp4"), Map.entry("matroska", "audio/webm"),
            Map.entry("aiff", "audio/aiff"), Map.entry("aac", "audio/aac"), Map.entry("caf", "audio/x-caf"),
            Map.entry("au", "audio/basic"), Map.entry("amr", "audio/amr"), Map.entry("w64", "audio/x-w64"));

    private ReferenceAudio() {
    }

    /** The media type of the container; 400 (as {@link AudioDecodeException}) when there is no audio. */
    static String mediaType(Path file, String ffprobe) {
        JsonNode probe = probe(file, ffprobe);
        boolean hasAudio = false;
        for (JsonNode stream : probe.path("streams")) {
            hasAudio |= "audio".equals(stream.path("codec_type").asText());
        }
        if (!hasAudio) {
            throw new AudioDecodeException("the file contains no audio stream");
        }
        String formats = probe.path("format").path("format_name").asText("");
        for (String format : List.of(formats.split(","))) {
            String type = MEDIA_TYPES.get(format);
            if (type != null) {
                return type;
            }
        }
        return "application/octet-stream";
    }

    private static JsonNode probe(Path file, String ffprobe) {
        try {
            Process p = new ProcessBuilder(ffprobe, "-v", "error", "-show_entries", "format=format_name:stream=codec_type",
                    "-of", "json", file.toString()).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AudioDecodeException("the file is not audio in a format ffmpeg can read");
            }
            return new ObjectMapper().readTree(out);
        } catch (IOException e) {
            throw new IllegalStateException("ffprobe is not available: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AudioDecodeException("probing the file was interrupted");
        }
    }
}
