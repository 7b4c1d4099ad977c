package speech.tts.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import speech.runtime.audio.AudioEncoder;
import speech.runtime.audio.AudioFormat;
import speech.runtime.audio.Pcm;
import speech.runtime.audio.Wav;

/**
 * Encodes audio as it is made: PCM and WAV (with the open length streamed WAV uses) in Java, the
 * others through one ffmpeg process fed piece by piece, its output passed on as it comes.
 */
public final class AudioStream implements AutoCloseable {

    /** Where encoded bytes go (the response); an IOException means the client is gone. */
    @FunctionalInterface
    public interface Out {
        void write(byte[] bytes) throws IOException;
    }

    private static final int OPEN_LENGTH = 0xFFFFFFFF;

    private final AudioFormat format;
    private final int sampleRate;
    private final Out out;
    private final Process ffmpeg;
    private final Thread reader;
    private volatile IOException readFailure;
    private boolean started;

    AudioStream(AudioFormat format, int sampleRate, AudioEncoder encoder, Out out) {
        this.format = format;
        this.sampleRate = sampleRate;
        this.out = out;
        if (format == AudioFormat.WAV || format == AudioFormat.PCM) {
            this.ffmpeg = null;
            this.reader = null;
            return;
        }
        try {
            this.ffmpeg = new ProcessBuilder(encoder.command(format, sampleRate)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("ffmpeg cannot start: " + e.getMessage(), e);
        }
        this.reader = Thread.ofVirtual().start(this::copyOutput);
    }

    /** The next samples of the waveform. */
    void add(float[] samples) throws IOException {
        if (!started && format == AudioFormat.WAV) {
            out.write(openWavHeader());
        }
        started = true;
        byte[] pcm = Wav.pcm16(new Pcm(samples, sampleRate));
        if (ffmpeg == null) {
            out.write(pcm);
            return;
        }
        failIfReaderFailed();
        try {
            OutputStream stdin = ffmpeg.getOutputStream();
            stdin.write(pcm);
            stdin.flush();
        } catch (IOException e) {
            failIfReaderFailed();
            throw new IllegalStateException("ffmpeg stopped encoding: " + e.getMessage(), e);
        }
    }

    /** Ends the stream: the encoder's last frames go out. */
    void finish() throws IOException {
        if (!started && format == AudioFormat.WAV) {
            out.write(openWavHeader());
        }
        if (ffmpeg == null) {
            return;
        }
        ffmpeg.getOutputStream().close();
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while ffmpeg finished", e);
        }
        failIfReaderFailed();
    }

    @Override
    public void close() {
        if (ffmpeg != null) {
            ffmpeg.destroyForcibly();
        }
    }

    private void copyOutput() {
        byte[] buffer = new byte[16384];
        try (InputStream stdout = ffmpeg.getInputStream()) {
            for (int n; (n = stdout.read(buffer)) > 0; ) {
                out.write(java.util.Arrays.copyOf(buffer, n));
            }
        } catch (IOException e) {
            readFailure = e;
            ffmpeg.destroyForcibly();
        }
    }

    private void failIfReaderFailed() throws IOException {
        if (readFailure != null) {
            throw readFailure;
        }
    }

    /** RIFF and data sizes set to 0xFFFFFFFF: players read to the end of the stream (ffmpeg writes the same when it cannot seek). */
    private byte[] openWavHeader() {
        ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(OPEN_LENGTH).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(sampleRate).putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(OPEN_LENGTH);
        return b.array();
    }
}
