package speech.runtime.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one ffmpeg/ffprobe command with bytes on stdin and returns its stdout. stdin, stdout and
 * stderr each have a dedicated pump thread (never a shared pool that a busy service can starve), and
 * the calling thread is the watchdog: at the deadline, or when the calling thread is interrupted (its
 * request was cancelled), the process is killed whatever it is doing, which also ends the pumps.
 */
final class FfmpegProcess {

    /** Only the tail of stderr is kept: ffmpeg's last lines say why it failed, and a chatty one cannot fill the heap. */
    static final int STDERR_TAIL_BYTES = 16 * 1024;

    /** After the process is gone its pipes reach EOF at once; this bounds the wait for the pumps to see it. */
    private static final long PUMP_GRACE_MILLIS = 5_000;

    /** ffmpeg exited non-zero, ran too long or was cancelled; {@link #stderr()} holds what it said. */
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

    /**
     * Demuxers an upload may be read with (ffmpeg's names). Playlists and references (hls, concat,
     * dash, image2 sequences …) are not on it: they would make ffmpeg open other files or poll.
     */
    static final String UPLOAD_FORMATS = "wav,w64,rf64,mp3,flac,ogg,mov,matroska,aiff,aac,caf,au,amr,amrnb,amrwb,asf,wv,ape,mpeg,mpegts,avi,flv";

    private FfmpegProcess() {
    }

    /** Input options reading one uploaded file: only the file protocol, only {@link #UPLOAD_FORMATS}. */
    static List<String> uploadInput(java.nio.file.Path file) {
        return List.of("-protocol_whitelist", "file", "-format_whitelist", UPLOAD_FORMATS, "-i", "file:" + file);
    }

    /** Input options reading raw samples the service writes to stdin: only the pipe protocol. */
    static List<String> pipeInput(String format, int sampleRate) {
        return List.of("-protocol_whitelist", "pipe", "-f", format, "-ar", Integer.toString(sampleRate), "-ac", "1", "-i", "pipe:0");
    }

    /** @param stdin bytes to feed, or null for none */
    static byte[] run(List<String> cmd, byte[] stdin, Duration timeout) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        run(cmd, stdin, timeout, stdout);
        synchronized (stdout) {
            return stdout.toByteArray();
        }
    }

    /** As {@link #run(List, byte[], Duration)}, stdout written to {@code stdout} as it comes (by one pump thread). */
    static void run(List<String> cmd, byte[] stdin, Duration timeout, OutputStream stdout) {
        Process process;
        try {
            process = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new IllegalStateException("ffmpeg is not installed or not on PATH (" + cmd.get(0) + "): " + e.getMessage(), e);
        }
        TailBuffer stderr = new TailBuffer(STDERR_TAIL_BYTES);
        Thread writer = pump("ffmpeg-stdin", () -> write(process.getOutputStream(), stdin));
        Thread outPump = pump("ffmpeg-stdout", () -> copy(process.getInputStream(), stdout));
        Thread errPump = pump("ffmpeg-stderr", () -> copy(process.getErrorStream(), stderr));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new Failure(stderr.text(), true);
            }
            outPump.join(PUMP_GRACE_MILLIS);
            errPump.join(PUMP_GRACE_MILLIS);
            if (process.exitValue() != 0) {
                throw new Failure(stderr.text(), false);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new Failure("cancelled", false);
        } finally {
            process.destroyForcibly();
            writer.interrupt();
        }
    }

    private static Thread pump(String name, Runnable body) {
        return Thread.ofPlatform().daemon().name(name).start(body);
    }

    private static void write(OutputStream out, byte[] bytes) {
        try (out) {
            if (bytes != null) {
                out.write(bytes);
            }
        } catch (IOException ignored) {
            // ffmpeg exited early or was killed; its exit code and stderr explain why.
        }
    }

    private static void copy(InputStream in, OutputStream out) {
        byte[] buffer = new byte[64 * 1024];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the process was killed: what was read so far is all there is.
        }
    }

    /** An OutputStream keeping only its last {@code capacity} bytes. */
    static final class TailBuffer extends OutputStream {
        private final byte[] ring;
        private long written;

        TailBuffer(int capacity) {
            this.ring = new byte[capacity];
        }

        @Override
        public synchronized void write(int b) {
            ring[(int) (written++ % ring.length)] = (byte) b;
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) {
                write(b[off + i]);
            }
        }

        synchronized String text() {
            int size = (int) Math.min(written, ring.length);
            byte[] out = new byte[size];
            int start = (int) ((written - size) % ring.length);
            for (int i = 0; i < size; i++) {
                out[i] = ring[(start + i) % ring.length];
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        }
    }
}
