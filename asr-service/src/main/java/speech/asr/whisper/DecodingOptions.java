package speech.asr.whisper;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that steers decoding, and the only place holding its defaults (those of openai/whisper's
 * {@code transcribe()}). Immutable: each request gets its own copy through the {@code with…} methods.
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

    public DecodingOptions withTask(Task t) {
        return new DecodingOptions(t, language, initialPrompt, temperatures, beamSize, bestOf, patience,
                compressionRatioThreshold, logProbThreshold, noSpeechThreshold, conditionOnPreviousText, withoutTimestamps,
                suppressBlank, maxInitialTimestamp, seed, vadFilter, wordTimestamps, multilingual);
    }

    public DecodingOptions withLanguage(String l) {
        return new DecodingOptions(task, l, initialPrompt, temperatures, beamSize, bestOf, patience,
                compressionRatioThreshold, logProbThreshold, noSpeechThreshold, conditionOnPreviousText, withoutTimestamps,
                suppressBlank, maxInitialTimestamp, seed, vadFilter, wordTimestamps, multilingual);
    }

    public DecodingOptions withInitialPrompt(String p) {
        return new DecodingOptions(task, language, p, temperatures, beamSize, bestOf, patience,
                compressionRatioThreshold, logProbThreshold, noSpeechThreshold, conditionOnPreviousText, withoutTimestamps,
                suppressBlank, maxInitialTimestamp, seed, vadFilter, wordTimestamps, multilingual);
    }

    public DecodingOptions withTemperatures(List<Double> ts) {
        return new DecodingOptions(task, language, initialPrompt, ts, beamSize, bestOf, patience,
                compressionRatioThreshold, logProbThreshold, noSpeechThreshold, conditionOnPreviousText, withoutTimestamps,
                suppressBlank, maxInitialTimestamp, seed, vadFilter, wordTimestamps, multilingual);
    }

    public DecodingOptions withBeamSize(int b) {
        return new DecodingOptions(task, language, initialPrompt, temperatures, b, bestOf, patience,
                compressionRatioThreshold, logProbThreshold, noSpeechThreshold, conditionOnPreviousText, withoutTimestamps,
                suppressBlank, maxInitialTimestamp, seed, vadFilter, wordTimestamps, multilingual);
    }

    public DecodingOptions withThresholds(double compressionRatio, double logProb, double noSpeech) {
        return new DecodingOptions(task, language, initialPrompt, temperatures, beamSize, bestOf, patience,
                compressionRatio, logProb, noSpeech, conditionOnPreviousText, withoutTimestamps,
                suppressBlank, maxInitialTimestamp, seed, vadFilter, wordTimestamps, multilingual);
    }

    public DecodingOptions withVadFilter(boolean on) {
        return new DecodingOptions(task, language, initialPrompt, temperatures, beamSize, bestOf, patience,
                compressionRatioThreshold, logProbThreshold, noSpeechThreshold, conditionOnPreviousText, withoutTimestamps,
                suppressBlank, maxInitialTimestamp, seed, on, wordTimestamps, multilingual);
    }

    public DecodingOptions withWordTimestamps(boolean on) {
        return new DecodingOptions(task, language, initialPrompt, temperatures, beamSize, bestOf, patience,
                compressionRatioThreshold, logProbThreshold, noSpeechThreshold, conditionOnPreviousText, withoutTimestamps,
                suppressBlank, maxInitialTimestamp, seed, vadFilter, on, multilingual);
    }

    public DecodingOptions withMultilingual(boolean on) {
        return new DecodingOptions(task, language, initialPrompt, temperatures, beamSize, bestOf, patience,
                compressionRatioThreshold, logProbThreshold, noSpeechThreshold, conditionOnPreviousText, withoutTimestamps,
                suppressBlank, maxInitialTimestamp, seed, vadFilter, wordTimestamps, on);
    }
}
