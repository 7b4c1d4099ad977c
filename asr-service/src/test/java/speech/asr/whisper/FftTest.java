package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The FFT plans against a naive O(n²) DFT on random input; each plan is reused, so leftover state would show. */
class FftTest {

    static final double TOLERANCE = 1e-9; // relative to the largest |X[k]|

    // 400 = 4·4·5·5 (Whisper's n_fft), 200 its real-input half; 7 and 49 take the generic butterfly, 60 radix 3.
    @ParameterizedTest
    @ValueSource(ints = {400, 200, 8, 25, 7, 49, 60, 2, 1})
    void complexMatchesNaiveDft(int n) {
        Fft fft = new Fft(n);
        Random random = new Random(n);
        double[] work = new double[2 * n];
        for (int trial = 0; trial < 3; trial++) {
            double[] xRe = random.doubles(n, -1, 1).toArray();
            double[] xIm = random.doubles(n, -1, 1).toArray();
            double[][] expected = naiveDft(xRe, xIm, n);
            double[] re = xRe.clone();
            double[] im = xIm.clone();

            fft.transform(re, im, work);

            assertClose(expected, re, im, n, "complex n=" + n);
        }
    }

    // 14 and 98 have odd halves (7, 49: generic butterfly), 30 a half of 15 = 3·5.
    @ParameterizedTest
    @ValueSource(ints = {400, 8, 50, 14, 98, 30, 2})
    void realMatchesNaiveDft(int n) {
        RealFft fft = new RealFft(n);
        Random random = new Random(n);
        double[] work = new double[n];
        for (int trial = 0; trial < 3; trial++) {
            double[] x = random.doubles(n, -1, 1).toArray();
            double[][] expected = naiveDft(x, new double[n], n / 2 + 1);
            double[] re = new double[n / 2 + 1];
            double[] im = new double[n / 2 + 1];

            fft.transform(x.clone(), re, im, work);

            assertClose(expected, re, im, n / 2 + 1, "real n=" + n);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, -2})
    void realRejectsOddOrEmptySizes(int n) {
        assertThrows(IllegalArgumentException.class, () -> new RealFft(n));
    }

    /** X[k] = Σ_j x[j]·e^(−2πi·jk/n) for k in [0, bins), the angle reduced exactly before the trigonometry. */
    static double[][] naiveDft(double[] re, double[] im, int bins) {
        int n = re.length;
        double[][] out = new double[2][bins];
        for (int k = 0; k < bins; k++) {
            for (int j = 0; j < n; j++) {
                double angle = -2 * Math.PI * ((long) j * k % n) / n;
                double c = Math.cos(angle);
                double s = Math.sin(angle);
                out[0][k] += re[j] * c - im[j] * s;
                out[1][k] += re[j] * s + im[j] * c;
            }
        }
        return out;
    }

    static void assertClose(double[][] expected, double[] re, double[] im, int bins, String what) {
        double largest = 0;
        for (int k = 0; k < bins; k++) {
            largest = Math.max(largest, Math.hypot(expected[0][k], expected[1][k]));
        }
        double scale = largest;
        for (int k = 0; k < bins; k++) {
            double err = Math.hypot(re[k] - expected[0][k], im[k] - expected[1][k]);
            int bin = k;
            assertTrue(err <= TOLERANCE * scale, () -> what + ": bin " + bin + " off by " + err + " (largest |X| " + scale + ")");
        }
    }
}
