package speech.runtime.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** PCM → bytes in a requested format. WAV and PCM in Java; compressed formats through ffmpeg. */
public final class AudioEncoder {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final String ffmpeg;

    public AudioEncoder(String ffmpeg) {
        this.ffmpeg = ffmpeg;
    }

    public byte[] encode(Pcm pcm, AudioFormat format) {
        return switch (format) {
            case WAV -> Wav.encode(pcm);
            case PCM -> Wav.pcm16(pcm);
            default -> ffmpeg(pcm, format);
        };
    }

    /**
     * The ffmpeg command that encodes 16-bit mono PCM at {@code sampleRate} from stdin to {@code format}
     * on stdout (not WAV or PCM, which need no process); also for streaming, piece by piece.
     */
    public List<String> command(AudioFormat format, int sampleRate) {
        List<String> output = switch (format) {
            case FLAC -> List.of("-c:a", "flac", "-f", "flac");
            case MP3 -> List.of("-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3");
            // Opus only runs at 48/24/16/12/8 kHz: resample inside ffmpeg.
            case OPUS -> List.of("-ar", "48000", "-c:a", "libopus", "-b:a", "64k", "-f", "ogg");
            case AAC -> List.of("-c:a", "aac", "-b:a", "128k", "-f", "adts");
            case WAV, PCM -> throw new IllegalArgumentException(format + " is written without ffmpeg");
        };
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error"));
        cmd.addAll(FfmpegProcess.pipeInput("s16le", sampleRate));
        cmd.addAll(output);
        cmd.add("pipe:1");
        return cmd;
    }

    private byte[] ffmpeg(Pcm pcm, AudioFormat format) {
        try {
            return FfmpegProcess.run(command(format, pcm.sampleRate()), Wav.pcm16(pcm), TIMEOUT);
        } catch (FfmpegProcess.Failure f) {
            throw new IllegalStateException("ffmpeg could not encode audio: " + f.getMessage());
        }
    }

    /**
     * Speed change without pitch change (ffmpeg atempo, chained because one atempo spans 0.5–2).
     * Float samples in and out, so nothing is quantised on the way.
     */
    public Pcm tempo(Pcm pcm, double speed) {
        List<String> filters = new ArrayList<>();
        double rest = speed;
        for (; rest > 2.0; rest /= 2.0) {
            filters.add("atempo=2.0");
        }
        for (; rest < 0.5; rest /= 0.5) {
            filters.add("atempo=0.5");
        }
        filters.add(String.format(Locale.ROOT, "atempo=%.6f", rest));
        String rate = Integer.toString(pcm.sampleRate());
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error"));
        cmd.addAll(FfmpegProcess.pipeInput("f32le", pcm.sampleRate()));
        cmd.addAll(List.of("-filter:a", String.join(",", filters), "-f", "f32le", "-ar", rate, "-ac", "1", "pipe:1"));
        ByteBuffer in = ByteBuffer.allocate(pcm.samples().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        in.asFloatBuffer().put(pcm.samples());
        byte[] out;
        try {
            out = FfmpegProcess.run(cmd, in.array(), TIMEOUT);
        } catch (FfmpegProcess.Failure f) {
            throw new IllegalStateException("ffmpeg atempo failed: " + f.getMessage());
        }
        float[] samples = new float[out.length / 4];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(samples);
        return new Pcm(samples, pcm.sampleRate());
    }
}
