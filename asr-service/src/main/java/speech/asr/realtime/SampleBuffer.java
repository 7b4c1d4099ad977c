package speech.asr.realtime;

import java.util.Arrays;

/** A live session's audio not yet committed: samples {@code [start, end)} of the session's timeline. */
final class SampleBuffer {

    private float[] data = new float[16_000];
    private int length;
    private long start;

    long start() {
        return start;
    }

    long end() {
        return start + length;
    }

    int length() {
        return length;
    }

    void append(float[] samples) {
        if (length + samples.length > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, length + samples.length));
        }
        System.arraycopy(samples, 0, data, length, samples.length);
        length += samples.length;
    }

    /** Removes and returns the samples before {@code until} (clamped to what the buffer holds). */
    float[] take(long until) {
        int n = (int) Math.max(0, Math.min(length, until - start));
        float[] out = Arrays.copyOf(data, n);
        dropFirst(n);
        return out;
    }

    /** Forgets the samples before {@code from}. */
    void dropBefore(long from) {
        dropFirst((int) Math.max(0, Math.min(length, from - start)));
    }

    void clear() {
        dropFirst(length);
    }

    private void dropFirst(int n) {
        System.arraycopy(data, n, data, 0, length - n);
        length -= n;
        start += n;
    }
}
