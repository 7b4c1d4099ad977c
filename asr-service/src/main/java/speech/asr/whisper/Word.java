package speech.asr.whisper;

/**
 * One word with its time, in seconds from the start of the whole file.
 *
 * @param word        its text with the leading space the model wrote, punctuation attached
 * @param probability mean probability of its tokens (faster-whisper's {@code probability})
 */
public record Word(String word, double start, double end, double probability) {
}
