package speech.asr.whisper;

import java.util.List;

/**
 * One timed piece of text, in seconds from the start of the whole file.
 *
 * @param seek             mel frame (whole file) where the window that produced it began
 * @param tokens           the segment's token ids, timestamps included
 * @param temperature      the temperature its window was finally decoded at
 * @param language         the language its window was decoded in
 * @param words            its words with their times, when word timestamps were asked for (else empty)
 */
public record Segment(int id, int seek, double start, double end, String text, List<Integer> tokens,
                      double temperature, double avgLogprob, double compressionRatio, double noSpeechProb,
                      String language, List<Word> words) {

    public Segment {
        words = List.copyOf(words);
    }

    public Segment withTimes(double newStart, double newEnd) {
        return new Segment(id, seek, newStart, newEnd, text, tokens, temperature, avgLogprob, compressionRatio, noSpeechProb,
                language, words);
    }

    public Segment withId(int newId) {
        return new Segment(newId, seek, start, end, text, tokens, temperature, avgLogprob, compressionRatio, noSpeechProb,
                language, words);
    }

    public Segment withWords(double newStart, double newEnd, List<Word> newWords) {
        return new Segment(id, seek, newStart, newEnd, text, tokens, temperature, avgLogprob, compressionRatio, noSpeechProb,
                language, newWords);
    }
}
