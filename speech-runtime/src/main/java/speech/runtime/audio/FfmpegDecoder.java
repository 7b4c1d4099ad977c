package speech.runtime.audio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Any container ffmpeg reads (wav, mp3, m4a/aac, flac, ogg/opus, webm, mp4 video, aiff …) → mono
 * float PCM at the rate a model needs. ffmpeg runs as a process: it does the demuxing, the channel
 * mix and a proper band-limited resampling, and a crash in a codec cannot take the JVM down.
 */
public final class FfmpegDecoder {

    private final String ffmpeg;
    private final Duration timeout;

    public FfmpegDecoder(String ffmpeg, Duration timeout) {
        this.ffmpeg = ffmpeg;
        this.timeout = timeout;
    }

    public static FfmpegDecoder defaults() {
        return new FfmpegDecoder("ffmpeg", Duration.ofMinutes(5));
    }

    /** Decodes the whole file. */
    public Pcm decode(Path file, int sampleRate) {
        return decode(file, sampleRate, null);
    }

    /**
     * Decodes at most {@code maxSeconds} (+ a little, so callers can tell "too long" from "exactly
     * the limit") without reading the rest: a 20-minute upload is rejected after decoding just past the limit.
     */
    public Pcm decode(Path file, int sampleRate, Double maxSeconds) {
        if (!Files.isRegularFile(file)) {
            throw new AudioDecodeException("no audio file was received");
        }
        try {
            if (Files.size(file) == 0) {
                throw new AudioDecodeException("the uploaded file is empty");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error"));
        cmd.addAll(FfmpegProcess.uploadInput(file));
        cmd.addAll(List.of("-vn", "-sn", "-dn"));
        if (maxSeconds != null) {
            cmd.addAll(List.of("-t", String.format(java.util.Locale.ROOT, "%.3f", maxSeconds + 1.0)));
        }
        cmd.addAll(List.of("-ac", "1", "-ar", Integer.toString(sampleRate), "-f", "f32le", "-acodec", "pcm_f32le", "pipe:1"));
        byte[] raw = run(cmd);
        if (raw.length < 4) {
            throw new AudioDecodeException("the file contains no audio samples");
        }
        ByteBuffer buffer = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] samples = new float[raw.length / 4];
        buffer.asFloatBuffer().get(samples);
        return new Pcm(samples, sampleRate);
    }

    private byte[] run(List<String> cmd) {
        try {
            return FfmpegProcess.run(cmd, null, timeout);
        } catch (FfmpegProcess.Failure f) {
            throw new AudioDecodeException(f.timedOut() ? "decoding took longer than " + timeout.toSeconds() + " s"
                    : "the file could not be decoded as audio: " + reason(f.stderr()));
        }
    }

    // ffmpeg's last line is the useful one ("Invalid data found when processing input"); server paths are cut.
    private static String reason(String text) {
        String[] lines = text.split("\\R");
        String last = lines.length == 0 || lines[lines.length - 1].isBlank() ? "unknown format" : lines[lines.length - 1];
        last = last.replaceAll("(file:)?(/[^\\s:]+)+", "<file>");
        return last.length() > 300 ? last.substring(0, 300) : last;
    }
}
