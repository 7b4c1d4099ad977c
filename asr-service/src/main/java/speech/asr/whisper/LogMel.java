package speech.asr.whisper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whisper's log-mel spectrogram of one window, computed as transformers' {@code WhisperFeatureExtractor}
 * does: pad or cut to {@code n_samples}, reflect-pad by n_fft/2, periodic Hann, |STFT|², mel filters,
 * log10 floored at 1e-10, drop the last frame, clamp to (max − 8), then (x + 4) / 4.
 */
public final class LogMel {

    private final float[] filters; // [nMels, nFreq] row-major
    private final int nMels;
    private final int nFreq;
    private final int nFft;
    private final int hop;
    private final int nSamples;
    private final int nFrames;
    private final double[] window;

    public LogMel(float[] filters, int nMels, int nFft, int hop, int nSamples, int nFrames) {
        this.nFreq = nFft / 2 + 1;
        if (filters.length != nMels * nFreq) {
            throw new IllegalArgumentException("mel filters have " + filters.length + " values, expected " + nMels + "x" + nFreq);
        }
        this.filters = filters;
        this.nMels = nMels;
        this.nFft = nFft;
        this.hop = hop;
        this.nSamples = nSamples;
        this.nFrames = nFrames;
        this.window = new double[nFft];
        for (int n = 0; n < nFft; n++) {
            window[n] = 0.5 - 0.5 * Math.cos(2 * Math.PI * n / nFft); // periodic Hann, as torch.hann_window
        }
    }

    public static LogMel of(WhisperManifest m, Path melFiltersFile) {
        WhisperManifest.Audio a = m.audio();
        return new LogMel(readFloats(melFiltersFile), m.dims().nMels(), a.nFft(), a.hopLength(), a.nSamples(), a.nFrames());
    }

    public int nMels() {
        return nMels;
    }

    public int nFrames() {
        return nFrames;
    }

    /** Samples per window (30 s). */
    public int nSamples() {
        return nSamples;
    }

    /** Features of {@code samples[from, to)} padded with zeros (or cut) to one window: {@code [nMels, nFrames]} row-major. */
    public float[] compute(float[] samples, int from, int to) {
        int len = Math.min(to - from, nSamples);
        int pad = nFft / 2;
        double[] x = new double[nSamples + 2 * pad];
        for (int i = 0; i < len; i++) {
            x[pad + i] = samples[from + i];
        }
        for (int i = 1; i <= pad; i++) { // numpy "reflect": the edge sample is not repeated
            x[pad - i] = x[pad + i];
            x[pad + nSamples - 1 + i] = x[pad + nSamples - 1 - i];
        }
        // A frame of exact zeros (the padding of a short piece: two thirds of the window for a 10 s clip)
        // has zero power: its log-mel is the floor, without an FFT.
        int[] nonZeroBefore = new int[x.length + 1];
        for (int i = 0; i < x.length; i++) {
            nonZeroBefore[i + 1] = nonZeroBefore[i] + (x[i] != 0 ? 1 : 0);
        }
        double silentFrame = Math.log10(1e-10);
        Fft fft = new Fft(nFft); // per call: it has scratch buffers, and pieces are computed concurrently
        double[] power = new double[nFreq];
        double[] re = new double[nFft];
        double[] im = new double[nFft];
        double[] logMel = new double[nMels * nFrames];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < nFrames; t++) {
            int start = t * hop;
            if (nonZeroBefore[start + nFft] == nonZeroBefore[start]) {
                for (int m = 0; m < nMels; m++) {
                    logMel[m * nFrames + t] = silentFrame;
                }
                max = Math.max(max, silentFrame);
                continue;
            }
            for (int n = 0; n < nFft; n++) {
                re[n] = x[start + n] * window[n];
                im[n] = 0;
            }
            fft.transform(re, im);
            for (int f = 0; f < nFreq; f++) {
                power[f] = re[f] * re[f] + im[f] * im[f];
            }
            for (int m = 0; m < nMels; m++) {
                double sum = 0;
                int row = m * nFreq;
                for (int f = 0; f < nFreq; f++) {
                    sum += filters[row + f] * power[f];
                }
                double v = Math.log10(Math.max(sum, 1e-10));
                logMel[m * nFrames + t] = v;
                max = Math.max(max, v);
            }
        }
        float[] out = new float[logMel.length];
        double floor = max - 8.0;
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((Math.max(logMel[i], floor) + 4.0) / 4.0);
        }
        return out;
    }

    private static float[] readFloats(Path file) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** In-place complex DFT of any size, mixed-radix Cooley–Tukey (400 = 2⁴·5²). */
    static final class Fft {
        private final int n;
        private final double[] cos;
        private final double[] sin;
        private final double[] tmpRe;
        private final double[] tmpIm;

        Fft(int n) {
            this.n = n;
            this.cos = new double[n];
            this.sin = new double[n];
            for (int k = 0; k < n; k++) {
                cos[k] = Math.cos(2 * Math.PI * k / n);
                sin[k] = -Math.sin(2 * Math.PI * k / n);
            }
            this.tmpRe = new double[n];
            this.tmpIm = new double[n];
        }

        void transform(double[] re, double[] im) {
            System.arraycopy(re, 0, tmpRe, 0, n);
            System.arraycopy(im, 0, tmpIm, 0, n);
            fft(tmpRe, tmpIm, 0, 1, n, re, im, 0);
        }

        // Y_r = DFT of x[r], x[r+p], … (size m = size/p), then X[k + m·q] = Σ_r W^{r(k+mq)} Y_r[k].
        private void fft(double[] xr, double[] xi, int off, int stride, int size, double[] yr, double[] yi, int yoff) {
            if (size == 1) {
                yr[yoff] = xr[off];
                yi[yoff] = xi[off];
                return;
            }
            int p = smallestFactor(size);
            int m = size / p;
            for (int r = 0; r < p; r++) {
                fft(xr, xi, off + r * stride, stride * p, m, yr, yi, yoff + r * m);
            }
            int step = n / size;
            double[] tr = new double[p];
            double[] ti = new double[p];
            for (int k = 0; k < m; k++) {
                for (int r = 0; r < p; r++) {
                    int w = (r * k * step) % n;
                    double a = yr[yoff + r * m + k];
                    double b = yi[yoff + r * m + k];
                    tr[r] = a * cos[w] - b * sin[w];
                    ti[r] = a * sin[w] + b * cos[w];
                }
                for (int q = 0; q < p; q++) {
                    double sr = 0;
                    double si = 0;
                    for (int r = 0; r < p; r++) {
                        int w = ((r * q) % p) * (n / p);
                        sr += tr[r] * cos[w] - ti[r] * sin[w];
                        si += tr[r] * sin[w] + ti[r] * cos[w];
                    }
                    yr[yoff + q * m + k] = sr;
                    yi[yoff + q * m + k] = si;
                }
            }
        }

        private static int smallestFactor(int size) {
            for (int f = 2; f * f <= size; f++) {
                if (size % f == 0) {
                    return f;
                }
            }
            return size;
        }
    }
}
