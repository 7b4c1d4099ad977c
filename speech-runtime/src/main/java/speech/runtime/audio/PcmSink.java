package speech.runtime.audio;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * ffmpeg's stdout (little-endian float32 samples) written straight into one float array, allocated once for the
 * expected number of samples: no byte buffer of the whole stream, no copy of it. When the estimate is off (a
 * resampler's last samples, a container without a duration) the array grows by an eighth and is trimmed once at
 * the end; when it is exact (e.g. a wav already at the model's rate) the preallocated array is the result.
 */
final class PcmSink extends OutputStream {

    private static final int GROWTH_SAMPLES = 1 << 16;

    private float[] samples;
    private int count;
    /** Bytes of a sample split across two writes. */
    private final byte[] partial = new byte[Float.BYTES];
    private int partialBytes;

    PcmSink(int expectedSamples) {
        this.samples = new float[Math.max(1, expectedSamples)];
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        int end = off + len;
        while (partialBytes > 0 && off < end) {
            partial[partialBytes++] = b[off++];
            if (partialBytes == Float.BYTES) {
                add(partial, 0);
                partialBytes = 0;
            }
        }
        ensure(count + (end - off) / Float.BYTES);
        for (; off + Float.BYTES <= end; off += Float.BYTES) {
            add(b, off);
        }
        while (off < end) {
            partial[partialBytes++] = b[off++];
        }
    }

    /** The samples received; the preallocated array itself when the estimate was exact. */
    float[] samples() {
        return count == samples.length ? samples : Arrays.copyOf(samples, count);
    }

    int count() {
        return count;
    }

    private void add(byte[] b, int at) {
        ensure(count + 1);
        samples[count++] = Float.intBitsToFloat((b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24);
    }

    private void ensure(int needed) {
        if (needed > samples.length) {
            samples = Arrays.copyOf(samples, Math.max(needed, samples.length + samples.length / 8 + GROWTH_SAMPLES));
        }
    }
}
