package speech.asr.whisper;

/**
 * Plan of the DFT of n real samples (n even), bins 0..n/2: one complex FFT of n/2 points over
 * {@code z[j] = x[2j] + i·x[2j+1]}, then split into the even and odd halves' spectra
 * {@code E[k] = (Z[k] + conj Z[h−k]) / 2}, {@code O[k] = (Z[k] − conj Z[h−k]) / 2i} (h = n/2, Z h-periodic),
 * and {@code X[k] = E[k] + W_n^k·O[k]}. About half the work of a complex FFT of n. Immutable and shareable.
 */
final class RealFft {

    private final int n;
    private final Fft half;
    private final double[] wRe; // W_n^k for k in [0, n/2]
    private final double[] wIm;

    RealFft(int n) {
        if (n < 2 || n % 2 != 0) {
            throw new IllegalArgumentException("real FFT size must be even and positive, got " + n);
        }
        this.n = n;
        this.half = new Fft(n / 2);
        this.wRe = new double[n / 2 + 1];
        this.wIm = new double[n / 2 + 1];
        for (int k = 0; k <= n / 2; k++) {
            wRe[k] = Math.cos(-2 * Math.PI * k / n);
            wIm[k] = Math.sin(-2 * Math.PI * k / n);
        }
    }

    int size() {
        return n;
    }

    /**
     * Bins {@code X[0, n/2]} of {@code x[0, n)} into {@code re} and {@code im} (each at least n/2 + 1 long);
     * {@code work} is the caller's scratch of at least n doubles.
     */
    void transform(double[] x, double[] re, double[] im, double[] work) {
        int h = n / 2;
        for (int j = 0; j < h; j++) {
            re[j] = x[2 * j];
            im[j] = x[2 * j + 1];
        }
        half.transform(re, im, work);
        // X[k] and X[h−k] both come from Z[k] and Z[h−k]: compute them as a pair, in place.
        for (int k = 0; k <= h / 2; k++) {
            int j = (h - k) % h;
            double a = re[k];
            double b = im[k];
            double c = re[j];
            double d = im[j];
            double er = (a + c) / 2;
            double ei = (b - d) / 2;
            double or = (b + d) / 2;
            double oi = (c - a) / 2;
            double tr = wRe[k] * or - wIm[k] * oi;
            double ti = wRe[k] * oi + wIm[k] * or;
            re[k] = er + tr;
            im[k] = ei + ti;
            re[h - k] = er - tr; // X[h−k] = conj(E[k] − W^k·O[k]), since W^(h−k) = −conj W^k
            im[h - k] = ti - ei;
        }
    }
}
