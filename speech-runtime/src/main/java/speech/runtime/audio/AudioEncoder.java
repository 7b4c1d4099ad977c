package speech.runtime.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** PCM → bytes in a requested format. WAV and PCM in Java; compressed formats through ffmpeg. */
public final class AudioEncoder {

    private final String ffmpeg;

    public AudioEncoder(String ffmpeg) {
        this.ffmpeg = ffmpeg;
    }

    public byte[] encode(Pcm pcm, AudioFormat format) {
        return switch (format) {
            case WAV -> Wav.encode(pcm);
            case PCM -> Wav.pcm16(pcm);
            case FLAC -> ffmpeg(pcm, List.of("-c:a", "flac", "-f", "flac"));
            case MP3 -> ffmpeg(pcm, List.of("-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3"));
            // Opus only runs at 48/24/16/12/8 kHz: resample inside ffmpeg.
            case OPUS -> ffmpeg(pcm, List.of("-ar", "48000", "-c:a", "libopus", "-b:a", "64k", "-f", "ogg"));
            case AAC -> ffmpeg(pcm, List.of("-c:a", "aac", "-b:a", "128k", "-f", "adts"));
        };
    }

    private byte[] ffmpeg(Pcm pcm, List<String> output) {
        List<String> cmd = new java.util.ArrayList<>(List.of(ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error",
                "-f", "s16le", "-ar", Integer.toString(pcm.sampleRate()), "-ac", "1", "-i", "pipe:0"));
        cmd.addAll(output);
        cmd.add("pipe:1");
        try {
            Process process = new ProcessBuilder(cmd).start();
            byte[] input = Wav.pcm16(pcm);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(process.getOutputStream(), input));
            CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            byte[] out = readAll(process.getInputStream());
            writer.join();
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("ffmpeg could not encode audio: " + new String(stderr.join()).trim());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("audio encoding was interrupted");
        }
    }

    private static void write(OutputStream out, byte[] bytes) {
        try (out) {
            out.write(bytes);
        } catch (IOException ignored) {
            // ffmpeg exited early; its exit code and stderr explain why.
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
