package speech.asr.whisper;

import java.util.ArrayList;
import java.util.List;

/**
 * Plan of a complex DFT of one size, {@code X[k] = Σ_j x[j]·e^(−2πi·jk/n)}: mixed-radix Cooley–Tukey by decimation
 * in time, run as iterative stages over a precomputed input permutation, with the twiddles of every stage
 * precomputed and butterflies written out for radix 2, 3, 4 and 5 (other primes use a generic one).
 * Immutable: one plan is shared by concurrent callers, each passing its own scratch.
 */
final class Fft {

    private static final double SIN_2PI_3 = Math.sin(2 * Math.PI / 3);
    private static final double COS_2PI_5 = Math.cos(2 * Math.PI / 5);
    private static final double COS_4PI_5 = Math.cos(4 * Math.PI / 5);
    private static final double SIN_2PI_5 = Math.sin(2 * Math.PI / 5);
    private static final double SIN_4PI_5 = Math.sin(4 * Math.PI / 5);

    private final int n;
    private final int[] radices; // radices[0] splits the whole transform; the last stage runs first
    private final int[] perm; // perm[i]: the input index the stages expect at position i
    private final double[][] twRe; // per stage: W_size^(r·k) at [k·(p−1) + r−1] for r in [1, p), k in [0, size/p)
    private final double[][] twIm;
    private final double[] rootRe; // W_n^j, for the generic butterfly
    private final double[] rootIm;

    Fft(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("FFT size must be positive, got " + n);
        }
        this.n = n;
        this.radices = radices(n);
        this.perm = new int[n];
        for (int i = 0; i < n; i++) { // i = r0 + p0·r1 + p0p1·r2 + … lands at r0·(n/p0) + r1·(n/p0p1) + …
            int rest = i;
            int pos = 0;
            int size = n;
            for (int p : radices) {
                size /= p;
                pos += (rest % p) * size;
                rest /= p;
            }
            perm[pos] = i;
        }
        this.twRe = new double[radices.length][];
        this.twIm = new double[radices.length][];
        int m = 1;
        for (int s = radices.length - 1; s >= 0; s--) {
            int p = radices[s];
            int size = m * p;
            twRe[s] = new double[m * (p - 1)];
            twIm[s] = new double[m * (p - 1)];
            for (int k = 0; k < m; k++) {
                for (int r = 1; r < p; r++) {
                    double angle = -2 * Math.PI * ((long) r * k % size) / size;
                    twRe[s][k * (p - 1) + r - 1] = Math.cos(angle);
                    twIm[s][k * (p - 1) + r - 1] = Math.sin(angle);
                }
            }
            m = size;
        }
        this.rootRe = new double[n];
        this.rootIm = new double[n];
        for (int j = 0; j < n; j++) {
            rootRe[j] = Math.cos(-2 * Math.PI * j / n);
            rootIm[j] = Math.sin(-2 * Math.PI * j / n);
        }
    }

    int size() {
        return n;
    }

    /** Transforms {@code (re, im)[0, n)} in place; {@code work} is the caller's scratch of at least 2n doubles. */
    void transform(double[] re, double[] im, double[] work) {
        System.arraycopy(re, 0, work, 0, n);
        System.arraycopy(im, 0, work, n, n);
        for (int i = 0; i < n; i++) {
            re[i] = work[perm[i]];
            im[i] = work[n + perm[i]];
        }
        // Each stage turns p interleaved DFTs of size m into DFTs of size p·m, in place: the butterflies apply
        // the twiddles as they load (W^0 = 1 is in the table, so k = 0 takes the same path).
        int m = 1;
        for (int s = radices.length - 1; s >= 0; s--) {
            int p = radices[s];
            int size = m * p;
            double[] wr = twRe[s];
            double[] wi = twIm[s];
            for (int block = 0; block < n; block += size) {
                for (int k = 0, t = 0; k < m; k++, t += p - 1) {
                    int base = block + k;
                    switch (p) {
                        case 2 -> radix2(re, im, base, m, wr, wi, t);
                        case 3 -> radix3(re, im, base, m, wr, wi, t);
                        case 4 -> radix4(re, im, base, m, wr, wi, t);
                        case 5 -> radix5(re, im, base, m, wr, wi, t);
                        default -> radixAny(re, im, base, m, p, wr, wi, t, work);
                    }
                }
            }
            m = size;
        }
    }

    // Each butterfly reads a_r = W^(r·k)·x[i0 + r·m], twiddle W^(r·k) at (wr, wi)[t + r − 1], and writes X_q to i0 + q·m.

    private static void radix2(double[] re, double[] im, int i0, int m, double[] wr, double[] wi, int t) {
        int i1 = i0 + m;
        double a0r = re[i0];
        double a0i = im[i0];
        double a1r = re[i1] * wr[t] - im[i1] * wi[t];
        double a1i = re[i1] * wi[t] + im[i1] * wr[t];
        re[i0] = a0r + a1r;
        im[i0] = a0i + a1i;
        re[i1] = a0r - a1r;
        im[i1] = a0i - a1i;
    }

    // X1,2 = a0 − (a1 + a2)/2 ∓ i·sin(2π/3)·(a1 − a2)
    private static void radix3(double[] re, double[] im, int i0, int m, double[] wr, double[] wi, int t) {
        int i1 = i0 + m;
        int i2 = i1 + m;
        double a1r = re[i1] * wr[t] - im[i1] * wi[t];
        double a1i = re[i1] * wi[t] + im[i1] * wr[t];
        double a2r = re[i2] * wr[t + 1] - im[i2] * wi[t + 1];
        double a2i = re[i2] * wi[t + 1] + im[i2] * wr[t + 1];
        double sr = a1r + a2r;
        double si = a1i + a2i;
        double dr = SIN_2PI_3 * (a1r - a2r);
        double di = SIN_2PI_3 * (a1i - a2i);
        double cr = re[i0] - 0.5 * sr;
        double ci = im[i0] - 0.5 * si;
        re[i0] += sr;
        im[i0] += si;
        re[i1] = cr + di;
        im[i1] = ci - dr;
        re[i2] = cr - di;
        im[i2] = ci + dr;
    }

    // X0,2 = (a0 + a2) ± (a1 + a3); X1,3 = (a0 − a2) ∓ i·(a1 − a3)
    private static void radix4(double[] re, double[] im, int i0, int m, double[] wr, double[] wi, int t) {
        int i1 = i0 + m;
        int i2 = i1 + m;
        int i3 = i2 + m;
        double a1r = re[i1] * wr[t] - im[i1] * wi[t];
        double a1i = re[i1] * wi[t] + im[i1] * wr[t];
        double a2r = re[i2] * wr[t + 1] - im[i2] * wi[t + 1];
        double a2i = re[i2] * wi[t + 1] + im[i2] * wr[t + 1];
        double a3r = re[i3] * wr[t + 2] - im[i3] * wi[t + 2];
        double a3i = re[i3] * wi[t + 2] + im[i3] * wr[t + 2];
        double t0r = re[i0] + a2r;
        double t0i = im[i0] + a2i;
        double t1r = re[i0] - a2r;
        double t1i = im[i0] - a2i;
        double t2r = a1r + a3r;
        double t2i = a1i + a3i;
        double t3r = a1r - a3r;
        double t3i = a1i - a3i;
        re[i0] = t0r + t2r;
        im[i0] = t0i + t2i;
        re[i2] = t0r - t2r;
        im[i2] = t0i - t2i;
        re[i1] = t1r + t3i;
        im[i1] = t1i - t3r;
        re[i3] = t1r - t3i;
        im[i3] = t1i + t3r;
    }

    // With b1 = a1 + a4, b2 = a2 + a3, d1 = a1 − a4, d2 = a2 − a3 (c_k = cos 2πk/5, s_k = sin 2πk/5):
    // X1,4 = a0 + c1·b1 + c2·b2 ∓ i·(s1·d1 + s2·d2), X2,3 = a0 + c2·b1 + c1·b2 ∓ i·(s2·d1 − s1·d2)
    private static void radix5(double[] re, double[] im, int i0, int m, double[] wr, double[] wi, int t) {
        int i1 = i0 + m;
        int i2 = i1 + m;
        int i3 = i2 + m;
        int i4 = i3 + m;
        double a1r = re[i1] * wr[t] - im[i1] * wi[t];
        double a1i = re[i1] * wi[t] + im[i1] * wr[t];
        double a2r = re[i2] * wr[t + 1] - im[i2] * wi[t + 1];
        double a2i = re[i2] * wi[t + 1] + im[i2] * wr[t + 1];
        double a3r = re[i3] * wr[t + 2] - im[i3] * wi[t + 2];
        double a3i = re[i3] * wi[t + 2] + im[i3] * wr[t + 2];
        double a4r = re[i4] * wr[t + 3] - im[i4] * wi[t + 3];
        double a4i = re[i4] * wi[t + 3] + im[i4] * wr[t + 3];
        double b1r = a1r + a4r;
        double b1i = a1i + a4i;
        double b2r = a2r + a3r;
        double b2i = a2i + a3i;
        double d1r = a1r - a4r;
        double d1i = a1i - a4i;
        double d2r = a2r - a3r;
        double d2i = a2i - a3i;
        double a0r = re[i0];
        double a0i = im[i0];
        double c1r = a0r + COS_2PI_5 * b1r + COS_4PI_5 * b2r;
        double c1i = a0i + COS_2PI_5 * b1i + COS_4PI_5 * b2i;
        double c2r = a0r + COS_4PI_5 * b1r + COS_2PI_5 * b2r;
        double c2i = a0i + COS_4PI_5 * b1i + COS_2PI_5 * b2i;
        double e1r = SIN_2PI_5 * d1r + SIN_4PI_5 * d2r;
        double e1i = SIN_2PI_5 * d1i + SIN_4PI_5 * d2i;
        double e2r = SIN_4PI_5 * d1r - SIN_2PI_5 * d2r;
        double e2i = SIN_4PI_5 * d1i - SIN_2PI_5 * d2i;
        re[i0] = a0r + b1r + b2r;
        im[i0] = a0i + b1i + b2i;
        re[i1] = c1r + e1i;
        im[i1] = c1i - e1r;
        re[i4] = c1r - e1i;
        im[i4] = c1i + e1r;
        re[i2] = c2r + e2i;
        im[i2] = c2i - e2r;
        re[i3] = c2r - e2i;
        im[i3] = c2i + e2r;
    }

    // Direct O(p²) DFT of the p points, through work (free once the input is permuted).
    private void radixAny(double[] re, double[] im, int i0, int m, int p, double[] wr, double[] wi, int t, double[] work) {
        work[0] = re[i0];
        work[p] = im[i0];
        for (int r = 1; r < p; r++) {
            int i = i0 + r * m;
            int w = t + r - 1;
            work[r] = re[i] * wr[w] - im[i] * wi[w];
            work[p + r] = re[i] * wi[w] + im[i] * wr[w];
        }
        int step = n / p;
        for (int q = 0; q < p; q++) {
            double sr = 0;
            double si = 0;
            for (int r = 0, j = 0; r < p; r++, j = (j + q) % p) { // j = r·q mod p
                double cr = rootRe[j * step];
                double ci = rootIm[j * step];
                sr += work[r] * cr - work[p + r] * ci;
                si += work[r] * ci + work[p + r] * cr;
            }
            re[i0 + q * m] = sr;
            im[i0 + q * m] = si;
        }
    }

    // Radix 4 first (fewer stages), then the primes ascending.
    private static int[] radices(int n) {
        List<Integer> out = new ArrayList<>();
        int rest = n;
        while (rest % 4 == 0) {
            out.add(4);
            rest /= 4;
        }
        for (int p = 2; p * p <= rest; p++) {
            while (rest % p == 0) {
                out.add(p);
                rest /= p;
            }
        }
        if (rest > 1) {
            out.add(rest);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
