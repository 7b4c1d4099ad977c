package speech.tts.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Speed change without pitch change (ffmpeg atempo, chained because one atempo spans 0.5–2). */
final class Tempo {

    private Tempo() {
    }

    static float[] apply(float[] samples, int sampleRate, double speed, String ffmpeg) {
        List<String> filters = new ArrayList<>();
        double rest = speed;
        while (rest > 2.0) {
            filters.add("atempo=2.0");
            rest /= 2.0;
        }
        while (rest < 0.5) {
            filters.add("atempo=0.5");
            rest /= 0.5;
        }
        filters.add(String.format(Locale.ROOT, "atempo=%.6f", rest));
        String rate = Integer.toString(sampleRate);
        List<String> cmd = List.of(ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "f32le", "-ar", rate, "-ac", "1",
                "-i", "pipe:0", "-filter:a", String.join(",", filters), "-f", "f32le", "-ar", rate, "-ac", "1", "pipe:1");
        try {
            Process p = new ProcessBuilder(cmd).start();
            ByteBuffer in = ByteBuffer.allocate(samples.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            in.asFloatBuffer().put(samples);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (OutputStream out = p.getOutputStream()) {
                    out.write(in.array());
                } catch (IOException ignored) {
                    // exit code tells
                }
            });
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            byte[] out = readAll(p.getInputStream());
            writer.join();
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("ffmpeg atempo failed: " + new String(err.join()).trim());
            }
            float[] result = new float[out.length / 4];
            ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(result);
            return result;
        } catch (IOException e) {
            throw new IllegalStateException("ffmpeg is not available: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("speed change interrupted");
        }
    }

    private static byte[] readAll(java.io.InputStream in) {
        try (in; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
