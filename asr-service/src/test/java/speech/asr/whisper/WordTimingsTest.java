package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stages of openai/whisper's timing.py, each on a case worked out by hand. */
class WordTimingsTest {

    static final int EOT = 50256;

    @Test
    void medianFilterReflectsAtTheEnds() {
        // padded [9 | 1 9 2 8 3 7 4 | 7], medians of each run of three
        assertArrayEquals(new double[] {9, 2, 8, 3, 7, 4, 7}, WordTimings.medianFilter(new double[] {1, 9, 2, 8, 3, 7, 4}, 3));
        // no wider than half the filter: unchanged, as timing.median_filter
        assertArrayEquals(new double[] {3, 1, 2}, WordTimings.medianFilter(new double[] {3, 1, 2}, 7));
    }

    @Test
    void dtwFollowsTheCheapestMonotonicPath() {
        int[][] path = WordTimings.dtw(new double[][] {{0, 0, 5}, {5, 5, 0}});
        assertArrayEquals(new int[] {0, 0, 1}, path[0]);
        assertArrayEquals(new int[] {0, 1, 2}, path[1]);
    }

    @Test
    void punctuationJoinsItsWord() {
        List<WordTimings.Timing> words = timings(" Hello", ",", " (", "world", ")", ".");
        WordTimings.mergePunctuations(words);
        assertEquals(List.of(" Hello,", "", "", " (world).", "", ""), words.stream().map(w -> w.word).toList());
        assertEquals(List.of(0, 1), words.get(0).tokens);
        assertEquals(List.of(2, 3, 4, 5), words.get(3).tokens);
    }

    @Test
    void segmentEdgesMoveToTheirWords() {
        Segment s = segment(10.0, 13.0, 3);
        List<WordTimings.Timing> words = List.of(timing(" a", 0.5, 0.8), timing(" b", 0.8, 1.1), timing(" c", 1.1, 1.4));
        WordTimings.Result r = WordTimings.addWordTimestamps(List.of(s), new ArrayList<>(words), 10.0, 10.0, EOT);
        Segment out = r.segments().getFirst();
        assertEquals(10.5, out.start(), 1e-9);
        assertEquals(11.4, out.end(), 1e-9);
        assertEquals(List.of(new Word(" a", 10.5, 10.8, 0.5), new Word(" b", 10.8, 11.1, 0.5), new Word(" c", 11.1, 11.4, 0.5)), out.words());
        assertEquals(11.4, r.lastSpeech(), 1e-9);
    }

    @Test
    void aLongFirstWordAfterAPauseIsCutToTwiceTheMedian() {
        Segment s = segment(0.0, 2.6, 3);
        List<WordTimings.Timing> words = List.of(timing(" a", 0.0, 2.0), timing(" b", 2.0, 2.3), timing(" c", 2.3, 2.6));
        Segment out = WordTimings.addWordTimestamps(List.of(s), new ArrayList<>(words), 0.0, 0.0, EOT).segments().getFirst();
        assertEquals(1.4, out.words().getFirst().start(), 1e-9); // median 0.3: at most 0.6 long
        assertEquals(1.4, out.start(), 1e-9);
    }

    @Test
    void wordsSplitAtSpacesAndPunctuationAndKeepCharactersWhole() {
        WhisperTokenizer tok = Models.get("tiny.en").tokenizer();
        List<Integer> ids = tok.encode(" Hello, world! It's 42 \u00e9t\u00e9 \uD83D\uDE42.");
        List<String> words = tok.splitToWords(ids, false).stream().map(WhisperTokenizer.WordTokens::word).toList();
        assertEquals(List.of(" Hello", ",", " world", "!", " It's", " 42", " \u00e9t\u00e9", " \uD83D\uDE42", "."), words);
        List<String> characters = tok.splitToWords(tok.encode("\u00e9\uD83D\uDE42"), true).stream().map(WhisperTokenizer.WordTokens::word).toList();
        assertEquals(List.of("\u00e9", "\uD83D\uDE42"), characters);
    }

    private static Segment segment(double start, double end, int textTokens) {
        List<Integer> tokens = new ArrayList<>(List.of(EOT + 107));
        for (int i = 0; i < textTokens; i++) {
            tokens.add(10 + i);
        }
        tokens.add(EOT + 200);
        return new Segment(0, 0, start, end, "text", tokens, 0, -0.1, 1.0, 0.01, "en", List.of());
    }

    private static WordTimings.Timing timing(String word, double start, double end) {
        return new WordTimings.Timing(word, List.of(1), start, end, 0.5);
    }

    private static List<WordTimings.Timing> timings(String... words) {
        List<WordTimings.Timing> out = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            out.add(new WordTimings.Timing(words[i], new ArrayList<>(List.of(i)), i, i + 1, 0.5));
        }
        return out;
    }
}
