package speech.asr.whisper;

import java.util.List;

/**
 * The logit filters of openai/whisper's decoding, applied in its order to one row of next-token
 * logits: SuppressBlank, SuppressTokens, ApplyTimestampRules. Pure functions of the tokens so far.
 */
final class LogitRules {

    private final WhisperManifest.SpecialTokens special;
    private final int[] suppress;
    private final int[] beginSuppress;
    private final boolean suppressBlank;
    private final boolean timestamps;
    private final int maxInitialTimestampIndex;

    LogitRules(WhisperManifest spec, DecodingOptions options) {
        this.special = spec.special();
        WhisperManifest.SpecialTokens s = spec.special();
        // The manifest's non-speech symbols plus every control token (openai's _get_suppress_tokens).
        this.suppress = java.util.stream.Stream.concat(spec.suppressTokens().stream(),
                        List.of(s.transcribe(), s.translate(), s.sot(), s.sotPrev(), s.sotLm(), s.noSpeech()).stream())
                .mapToInt(Integer::intValue).filter(t -> t >= 0 && t < spec.dims().nVocab()).distinct().toArray();
        this.beginSuppress = spec.beginSuppressTokens().stream().mapToInt(Integer::intValue).toArray();
        this.suppressBlank = options.suppressBlank();
        this.timestamps = !options.withoutTimestamps();
        this.maxInitialTimestampIndex = (int) Math.round(options.maxInitialTimestamp() / spec.timePrecision());
    }

    /** Masks {@code logits} in place for the token after {@code tokens} (prompt included; sampling began at {@code sampleBegin}). */
    void apply(float[] logits, List<Integer> tokens, int sampleBegin) {
        if (suppressBlank && tokens.size() == sampleBegin) {
            for (int t : beginSuppress) {
                logits[t] = Float.NEGATIVE_INFINITY;
            }
        }
        for (int t : suppress) {
            logits[t] = Float.NEGATIVE_INFINITY;
        }
        if (timestamps) {
            applyTimestampRules(logits, tokens, sampleBegin);
        }
    }

    private void applyTimestampRules(float[] logits, List<Integer> tokens, int sampleBegin) {
        int tsBegin = special.timestampBegin();
        int eot = special.eot();
        logits[special.noTimestamps()] = Float.NEGATIVE_INFINITY;

        // Timestamps come in pairs, except directly before end-of-text.
        List<Integer> sampled = tokens.subList(sampleBegin, tokens.size());
        int n = sampled.size();
        boolean lastWasTimestamp = n >= 1 && sampled.get(n - 1) >= tsBegin;
        boolean penultimateWasTimestamp = n < 2 || sampled.get(n - 2) >= tsBegin;
        if (lastWasTimestamp) {
            if (penultimateWasTimestamp) {
                fill(logits, tsBegin, logits.length);
            } else {
                fill(logits, 0, eot);
            }
        }
        // Timestamps never decrease, and a segment has a nonzero length.
        int lastTimestamp = -1;
        for (int t : sampled) {
            if (t >= tsBegin) {
                lastTimestamp = t;
            }
        }
        if (lastTimestamp >= 0) {
            int upTo = lastWasTimestamp && !penultimateWasTimestamp ? lastTimestamp : lastTimestamp + 1;
            fill(logits, tsBegin, upTo);
        }
        if (n == 0) {
            // The first token is a timestamp, and not later than max_initial_timestamp.
            fill(logits, 0, tsBegin);
            fill(logits, tsBegin + maxInitialTimestampIndex + 1, logits.length);
        }
        if (timestampLikelier(logits, tsBegin)) {
            fill(logits, 0, tsBegin);
        }
    }

    /**
     * When all timestamps together are likelier than any text token, openai forces a timestamp. Both
     * sides of its comparison of log-probs carry the same -logZ, so it is made on the logits: no
     * log-softmax over the vocabulary.
     */
    static boolean timestampLikelier(float[] logits, int tsBegin) {
        return Sampling.logSumExp(logits, tsBegin, logits.length) > Sampling.max(logits, 0, tsBegin);
    }

    private static void fill(float[] logits, int from, int to) {
        java.util.Arrays.fill(logits, Math.max(0, from), Math.min(to, logits.length), Float.NEGATIVE_INFINITY);
    }
}
