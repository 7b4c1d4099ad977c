package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The decoder loop's shortcuts against openai's straightforward math on random logits of tiny.en's
 * vocabulary: a row's log-prob as {@code x[i] - logSumExp(x)} and the timestamp rule made on the
 * logits give what a full log-softmax array gives.
 */
class SamplingTest {

    private static final int VOCAB = 51864;
    private static final int TIMESTAMP_BEGIN = 50363;

    @Test
    void logProbsAndTimestampDecisionMatchAFullLogSoftmax() {
        SplittableRandom random = new SplittableRandom(7);
        int forced = 0;
        int trials = 200;
        for (int trial = 0; trial < trials; trial++) {
            // The timestamp block's level sweeps from far below the text's to above it, so both decisions occur.
            double tsLevel = -12 + 16.0 * trial / trials;
            float[] logits = new float[VOCAB];
            for (int i = 0; i < VOCAB; i++) {
                double level = i >= TIMESTAMP_BEGIN ? tsLevel : 0;
                logits[i] = random.nextInt(50) == 0 ? Float.NEGATIVE_INFINITY : (float) (level + 3 * random.nextGaussian());
            }
            double[] reference = fullLogSoftmax(logits);

            double logZ = Sampling.logSumExp(logits);
            for (int i = 0; i < VOCAB; i++) {
                double expected = reference[i];
                double actual = logits[i] - logZ;
                assertTrue(expected == actual || Math.abs(expected - actual) < 1e-5, "log-prob of " + i + ": " + actual + " vs " + expected);
            }
            assertEquals(argmax(reference), Sampling.argmax(logits));

            boolean expected = referenceTimestampLikelier(reference);
            assertEquals(expected, LogitRules.timestampLikelier(logits, TIMESTAMP_BEGIN), "trial " + trial);
            forced += expected ? 1 : 0;
        }
        assertTrue(forced > 20 && forced < trials - 20, "both decisions should occur: forced " + forced + " of " + trials);
    }

    /** openai's ApplyTimestampRules: logsumexp of the timestamp log-probs vs the best text log-prob. */
    private static boolean referenceTimestampLikelier(double[] logprobs) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = TIMESTAMP_BEGIN; i < logprobs.length; i++) {
            max = Math.max(max, logprobs[i]);
        }
        double sum = 0;
        for (int i = TIMESTAMP_BEGIN; i < logprobs.length; i++) {
            sum += Math.exp(logprobs[i] - max);
        }
        double bestText = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < TIMESTAMP_BEGIN; i++) {
            bestText = Math.max(bestText, logprobs[i]);
        }
        return max + Math.log(sum) > bestText;
    }

    private static double[] fullLogSoftmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : x) {
            sum += Math.exp(v - max);
        }
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - (max + Math.log(sum));
        }
        return out;
    }

    private static int argmax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}
