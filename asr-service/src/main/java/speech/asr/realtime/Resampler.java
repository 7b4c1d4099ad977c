package speech.asr.realtime;

import java.util.Arrays;

/**
 * Live audio from the client's rate to the model's, piece by piece (OpenAI's realtime audio is 24 kHz,
 * Whisper's 16 kHz): each output sample is a Blackman-windowed sinc low-pass at 92 % of the lower Nyquist
 * rate over {@value #HALF_WIDTH} input samples either side. Feeding a signal in pieces gives exactly what
 * feeding it whole gives; the first output sample is aligned with the first input sample.
 */
public final class Resampler {

    private static final int HALF_WIDTH = 16;
    private static final double PASSBAND = 0.92;

    private final double step;
    private final double cutoff;
    /** Input not yet behind the filter's reach; starts with HALF_WIDTH zeros of history. */
    private float[] history = new float[HALF_WIDTH];
    /** Where in {@code history} the next output sample lies. */
    private double position = HALF_WIDTH;

    public Resampler(int inputRate, int outputRate) {
        if (inputRate <= 0 || outputRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive");
        }
        this.step = inputRate / (double) outputRate;
        this.cutoff = 0.5 * Math.min(1.0, outputRate / (double) inputRate) * PASSBAND; // cycles per input sample
    }

    /** The output samples that {@code input} completes (the last few wait for the input after them). */
    public float[] feed(float[] input) {
        if (step == 1.0) {
            return input;
        }
        float[] all = Arrays.copyOf(history, history.length + input.length);
        System.arraycopy(input, 0, all, history.length, input.length);
        int count = 0;
        for (double t = position; (int) Math.floor(t) + HALF_WIDTH < all.length; t += step) {
            count++;
        }
        float[] out = new float[count];
        for (int n = 0; n < count; n++) {
            out[n] = (float) sample(all, position + n * step);
        }
        position += count * step;
        int keepFrom = (int) Math.floor(position) - HALF_WIDTH + 1;
        history = Arrays.copyOfRange(all, keepFrom, all.length);
        position -= keepFrom;
        return out;
    }

    private double sample(float[] x, double t) {
        int center = (int) Math.floor(t);
        double sum = 0;
        for (int k = center - HALF_WIDTH + 1; k <= center + HALF_WIDTH; k++) {
            double d = t - k;
            sum += x[k] * 2 * cutoff * sinc(2 * cutoff * d) * blackman(d / HALF_WIDTH);
        }
        return sum;
    }

    private static double sinc(double x) {
        return x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    }

    /** The Blackman window over [-1, 1]. */
    private static double blackman(double u) {
        return Math.abs(u) >= 1 ? 0 : 0.42 + 0.5 * Math.cos(Math.PI * u) + 0.08 * Math.cos(2 * Math.PI * u);
    }
}
