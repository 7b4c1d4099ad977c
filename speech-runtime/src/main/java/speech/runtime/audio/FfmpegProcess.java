package speech.runtime.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one ffmpeg command with bytes on stdin and returns its stdout. stdin, stdout and stderr are
 * pumped at the same time so a large input or output cannot deadlock the pipes.
 */
final class FfmpegProcess {

    /** ffmpeg exited non-zero or ran too long; {@link #stderr()} holds what it said. */
    static final class Failure extends RuntimeException {
        private final String stderr;
        private final boolean timedOut;

        Failure(String stderr, boolean timedOut) {
            super(timedOut ? "ffmpeg ran too long" : "ffmpeg failed: " + stderr, null, false, false);
            this.stderr = stderr;
            this.timedOut = timedOut;
        }

        String stderr() {
            return stderr;
        }

        boolean timedOut() {
            return timedOut;
        }
    }

    private FfmpegProcess() {
    }

    /** @param stdin bytes to feed, or null for none */
    static byte[] run(List<String> cmd, byte[] stdin, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new IllegalStateException("ffmpeg is not installed or not on PATH (" + cmd.get(0) + "): " + e.getMessage(), e);
        }
        try {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(process.getOutputStream(), stdin));
            CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            byte[] stdout = readAll(process.getInputStream());
            writer.join();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new Failure("", true);
            }
            if (process.exitValue() != 0) {
                throw new Failure(new String(stderr.join(), StandardCharsets.UTF_8).trim(), false);
            }
            return stdout;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted", false);
        } finally {
            process.destroyForcibly();
        }
    }

    private static void write(OutputStream out, byte[] bytes) {
        try (out) {
            if (bytes != null) {
                out.write(bytes);
            }
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
