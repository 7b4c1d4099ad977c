package speech.asr.whisper;

import java.util.SplittableRandom;

/** Softmax helpers and the token choice of one row: argmax at temperature 0, else a categorical draw. */
final class Sampling {

    private Sampling() {
    }

    static double[] logSoftmax(float[] logits) {
        double logZ = logSumExp(logits, 0, logits.length);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - logZ;
        }
        return out;
    }

    /** log Σ exp(x): a row's log-prob of token i is {@code x[i] - logSumExp(x)}, without a vocab-sized array. */
    static double logSumExp(float[] x) {
        return logSumExp(x, 0, x.length);
    }

    static double logSumExp(float[] x, int from, int to) {
        double max = max(x, from, to);
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            if (x[i] != Float.NEGATIVE_INFINITY) { // masked tokens add exp(-inf) = 0: skip the exp
                sum += Math.exp(x[i] - max);
            }
        }
        return max + Math.log(sum);
    }

    static double max(float[] x, int from, int to) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            if (x[i] > max) { // not Math.max: its NaN and -0.0 handling made this pass cost a third of the exp pass
                max = x[i];
            }
        }
        return max;
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
