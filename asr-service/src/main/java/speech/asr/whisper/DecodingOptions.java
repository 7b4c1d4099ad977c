package speech.asr.whisper;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that steers decoding, and the only place holding its defaults (those of openai/whisper's
 * {@code transcribe()}). Immutable: each request derives its own copy through {@link #toBuilder()}.
 *
 * @param language          ISO code, or null to detect it (multilingual models)
 * @param initialPrompt     text given to the model as previous context (sot_prev), or null
 * @param temperatures      the fallback ladder; the first is tried first
 * @param beamSize          1 = greedy (or best-of sampling above temperature 0)
 * @param bestOf            candidates sampled at temperature > 0
 * @param patience          beam search: finished candidates wanted = beamSize × patience
 * @param maxInitialTimestamp latest first timestamp, seconds
 * @param seed              sampling seed, so a request is reproducible
 * @param vadFilter         decode only the speech regions voice activity detection finds (when the model ships a VAD)
 * @param wordTimestamps    time every word (the model's alignment graph, once per decoded window)
 * @param multilingual      detect the language of every window instead of once from the first (faster-whisper's option)
 */
public record DecodingOptions(
        Task task, String language, String initialPrompt, List<Double> temperatures,
        int beamSize, int bestOf, double patience,
        double compressionRatioThreshold, double logProbThreshold, double noSpeechThreshold,
        boolean conditionOnPreviousText, boolean withoutTimestamps, boolean suppressBlank,
        double maxInitialTimestamp, long seed, boolean vadFilter, boolean wordTimestamps, boolean multilingual) {

    public static final double TEMPERATURE_STEP = 0.2;

    public DecodingOptions {
        temperatures = List.copyOf(temperatures);
        if (temperatures.isEmpty() || beamSize < 1 || bestOf < 1 || patience <= 0) {
            throw new IllegalArgumentException("temperatures must not be empty; beamSize, bestOf and patience must be positive");
        }
    }

    public static DecodingOptions defaults() {
        return new DecodingOptions(Task.TRANSCRIBE, null, null, ladderFrom(0.0),
                1, 5, 1.0,
                2.4, -1.0, 0.6,
                true, false, true,
                1.0, 0L, true, false, false);
    }

    /** {@code t}, then t + 0.2 … up to 1.0: a request's temperature is where the fallback ladder starts. */
    public static List<Double> ladderFrom(double t) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; t + i * TEMPERATURE_STEP <= 1.0 + 1e-6; i++) {
            out.add(Math.round((t + i * TEMPERATURE_STEP) * 100) / 100.0);
        }
        return out.isEmpty() ? List.of(t) : out;
    }

    /** A copy of these options to change and {@link Builder#build() build} again: how a request derives its own. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The one way to derive modified options: copy all components, set the ones that change, build (which validates
     * again). Setters exist for the options callers change; add one beside them when another needs changing.
     */
    public static final class Builder {
        private Task task;
        private String language;
        private String initialPrompt;
        private List<Double> temperatures;
        private int beamSize;
        private final int bestOf;
        private final double patience;
        private final double compressionRatioThreshold;
        private double logProbThreshold;
        private double noSpeechThreshold;
        private final boolean conditionOnPreviousText;
        private final boolean withoutTimestamps;
        private final boolean suppressBlank;
        private final double maxInitialTimestamp;
        private final long seed;
        private boolean vadFilter;
        private boolean wordTimestamps;
        private boolean multilingual;

        private Builder(DecodingOptions o) {
            task = o.task;
            language = o.language;
            initialPrompt = o.initialPrompt;
            temperatures = o.temperatures;
            beamSize = o.beamSize;
            bestOf = o.bestOf;
            patience = o.patience;
            compressionRatioThreshold = o.compressionRatioThreshold;
            logProbThreshold = o.logProbThreshold;
            noSpeechThreshold = o.noSpeechThreshold;
            conditionOnPreviousText = o.conditionOnPreviousText;
            withoutTimestamps = o.withoutTimestamps;
            suppressBlank = o.suppressBlank;
            maxInitialTimestamp = o.maxInitialTimestamp;
            seed = o.seed;
            vadFilter = o.vadFilter;
            wordTimestamps = o.wordTimestamps;
            multilingual = o.multilingual;
        }

        public Builder task(Task t) {
            task = t;
            return this;
        }

        public Builder language(String l) {
            language = l;
            return this;
        }

        public Builder initialPrompt(String p) {
            initialPrompt = p;
            return this;
        }

        public Builder temperatures(List<Double> ts) {
            temperatures = ts;
            return this;
        }

        public Builder beamSize(int b) {
            beamSize = b;
            return this;
        }

        public Builder logProbThreshold(double t) {
            logProbThreshold = t;
            return this;
        }

        public Builder noSpeechThreshold(double t) {
            noSpeechThreshold = t;
            return this;
        }

        public Builder vadFilter(boolean on) {
            vadFilter = on;
            return this;
        }

        public Builder wordTimestamps(boolean on) {
            wordTimestamps = on;
            return this;
        }

        public Builder multilingual(boolean on) {
            multilingual = on;
            return this;
        }

        public DecodingOptions build() {
            return new DecodingOptions(task, language, initialPrompt, temperatures, beamSize, bestOf, patience,
                    compressionRatioThreshold, logProbThreshold, noSpeechThreshold, conditionOnPreviousText, withoutTimestamps,
                    suppressBlank, maxInitialTimestamp, seed, vadFilter, wordTimestamps, multilingual);
        }
    }
}
