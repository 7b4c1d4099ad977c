package speech.asr.whisper;

import java.util.List;

/**
 * One 30-second window decoded at one temperature.
 *
 * @param tokens      sampled ids after the prompt, without the final end-of-text
 * @param avgLogprob  sum of the chosen tokens' log-probabilities / (tokens + 1), as openai/whisper
 * @param noSpeechProb probability of the no-speech token right after start-of-transcript
 */
public record DecodeResult(List<Integer> tokens, String text, String language, double temperature,
                           double avgLogprob, double noSpeechProb, double compressionRatio) {
}
