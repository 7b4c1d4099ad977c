package speech.runtime.audio;

import java.io.IOException;
import java.io.UncheckedIOException;
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

    /** What a stream without a duration in its container starts with (the sink grows). */
    private static final double UNKNOWN_DURATION_SECONDS = 60;

    private final String ffmpeg;
    private final String ffprobe;
    private final Duration timeout;

    public FfmpegDecoder(String ffmpeg, Duration timeout) {
        this(ffmpeg, "ffprobe", timeout);
    }

    /** @param ffprobe tells the duration first, so the samples go into one array of the right size */
    public FfmpegDecoder(String ffmpeg, String ffprobe, Duration timeout) {
        this.ffmpeg = ffmpeg;
        this.ffprobe = ffprobe;
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
        // Downmix to the mean of the channels, as openai-whisper's load_audio (s16 output) and Echo-TTS do: to float,
        // ffmpeg's default matrix adds the channels at -3 dB each (1.41x the mean for stereo) unless told to keep it <= 1.
        cmd.addAll(List.of("-rematrix_maxval", "1.0", "-ac", "1", "-ar", Integer.toString(sampleRate), "-f", "f32le", "-acodec", "pcm_f32le",
                "pipe:1"));
        // 3 h at 16 kHz is 691 MB of floats: held once, not also as bytes and their copies.
        PcmSink sink = new PcmSink(expectedSamples(file, sampleRate, maxSeconds));
        run(cmd, sink);
        if (sink.count() == 0) {
            throw new AudioDecodeException("the file contains no audio samples");
        }
        return new Pcm(sink.samples(), sampleRate);
    }

    /** The samples ffmpeg will write, from the container's duration (ffprobe), at most {@code maxSeconds} + 1 s (the -t cut). */
    int expectedSamples(Path file, int sampleRate, Double maxSeconds) {
        double seconds = UNKNOWN_DURATION_SECONDS;
        try {
            String out = new String(FfmpegProcess.run(List.of(ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                    "-protocol_whitelist", "file", "-format_whitelist", FfmpegProcess.UPLOAD_FORMATS, "file:" + file), null, timeout),
                    java.nio.charset.StandardCharsets.US_ASCII).strip();
            seconds = Double.parseDouble(out);
        } catch (FfmpegProcess.Failure | IllegalStateException | NumberFormatException unknown) {
            // No duration in the container (or no ffprobe): start with a guess, the sink grows.
        }
        if (maxSeconds != null) {
            seconds = Math.min(seconds, maxSeconds + 1.0);
        }
        return (int) Math.min(Integer.MAX_VALUE - 8, Math.round(Math.max(0, seconds) * sampleRate));
    }

    private void run(List<String> cmd, PcmSink sink) {
        try {
            FfmpegProcess.run(cmd, null, timeout, sink);
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
