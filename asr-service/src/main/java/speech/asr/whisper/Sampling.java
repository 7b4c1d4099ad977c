package speech.asr.whisper;

import java.util.SplittableRandom;

/** Softmax helpers and the token choice of one row: argmax at temperature 0, else a categorical draw. */
final class Sampling {

    private Sampling() {
    }

    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : logits) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (float x : logits) {
            sum += Math.exp(x - max);
        }
        double logZ = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - logZ;
        }
        return out;
    }

    static double logSumExp(double[] x, int from, int to) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            max = Math.max(max, x[i]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += Math.exp(x[i] - max);
        }
        return max + Math.log(sum);
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    /** A draw from softmax(logits / temperature). */
    static int sample(float[] logits, double temperature, SplittableRandom random) {
        float[] scaled = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            scaled[i] = (float) (logits[i] / temperature);
        }
        double[] logp = logSoftmax(scaled);
        double u = random.nextDouble();
        double acc = 0;
        int last = 0;
        for (int i = 0; i < logp.length; i++) {
            if (logp[i] == Double.NEGATIVE_INFINITY) {
                continue;
            }
            acc += Math.exp(logp[i]);
            last = i;
            if (u < acc) {
                return i;
            }
        }
        return last;
    }

    /** The {@code k} largest entries' indices, largest first. */
    static int[] topK(double[] x, int k) {
        int[] idx = new int[k];
        java.util.Arrays.fill(idx, -1);
        for (int i = 0; i < x.length; i++) {
            int pos = k;
            while (pos > 0 && (idx[pos - 1] < 0 || x[idx[pos - 1]] < x[i])) {
                pos--;
            }
            if (pos < k) {
                System.arraycopy(idx, pos, idx, pos + 1, k - pos - 1);
                idx[pos] = i;
            }
        }
        return java.util.Arrays.stream(idx).filter(i -> i >= 0).toArray();
    }
}
