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
    private final int[] firstBin; // filter m is non-zero only on bins [firstBin[m], lastBin[m]]
    private final int[] lastBin;
    private final RealFft fft;

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
        // Each triangular filter is non-zero on a few of the nFreq bins: the projection sums only those.
        this.firstBin = new int[nMels];
        this.lastBin = new int[nMels];
        for (int m = 0; m < nMels; m++) {
            int first = nFreq;
            int last = -1;
            for (int f = 0; f < nFreq; f++) {
                if (filters[m * nFreq + f] != 0) {
                    first = Math.min(first, f);
                    last = f;
                }
            }
            firstBin[m] = first;
            lastBin[m] = last;
        }
        this.fft = new RealFft(nFft);
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
        // has zero power: its log-mel is the floor, without an FFT. The reflected edges copy samples of the
        // piece, so the non-zero range is taken over x.
        int firstNonZero = 0;
        while (firstNonZero < x.length && x[firstNonZero] == 0) {
            firstNonZero++;
        }
        int lastNonZero = x.length - 1;
        while (lastNonZero >= 0 && x[lastNonZero] == 0) {
            lastNonZero--;
        }
        double silentFrame = Math.log10(1e-10);
        // Scratch per call: the plan is shared, and pieces are computed concurrently.
        double[] frame = new double[nFft];
        double[] re = new double[nFreq];
        double[] im = new double[nFreq];
        double[] work = new double[nFft];
        double[] power = new double[nFreq];
        double[] logMel = new double[nMels * nFrames];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < nFrames; t++) {
            int start = t * hop;
            if (start + nFft <= firstNonZero || start > lastNonZero) {
                for (int m = 0; m < nMels; m++) {
                    logMel[m * nFrames + t] = silentFrame;
                }
                max = Math.max(max, silentFrame);
                continue;
            }
            for (int n = 0; n < nFft; n++) {
                frame[n] = x[start + n] * window[n];
            }
            fft.transform(frame, re, im, work);
            for (int f = 0; f < nFreq; f++) {
                power[f] = re[f] * re[f] + im[f] * im[f];
            }
            for (int m = 0; m < nMels; m++) {
                double sum = 0;
                int row = m * nFreq;
                for (int f = firstBin[m]; f <= lastBin[m]; f++) {
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
}
