package speech.tts.roundtrip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The score's arithmetic and normalisation, on hand-made pairs whose edit counts are known. */
class WordErrorRateTest {

    @Test
    void punctuationCaseAndDashesAreNotErrors() {
        var r = WordErrorRate.of("And so, my fellow Americans: ask not — what your well-known country can do!",
                "and so my fellow americans ask not what your well known country can do");
        assertEquals(0.0, r.wer());
        assertEquals(0.0, r.cer());
        assertEquals(List.of("don't", "stop", "it's", "fine"), WordErrorRate.words("Don\u2019t stop: 'it's' fine."));
    }

    @Test
    void substitutionsDeletionsAndInsertionsCountOverTheReferenceLength() {
        // 10 reference words: one substituted, one deleted, one inserted = 3 edits
        var r = WordErrorRate.of("one two three four five six seven eight nine ten", "one two tree four five seven eight extra nine ten");
        assertEquals(0.3, r.wer(), 1e-12);
        assertEquals(1.0, WordErrorRate.of("hello world", "").wer());
        assertEquals(1.5, WordErrorRate.of("hello world", "oh hello there big world").wer(), 1e-12);
        // character level: "cat" → "cut" is one edit over three characters
        assertEquals(1 / 3.0, WordErrorRate.of("cat", "cut").cer(), 1e-12);
    }

    @Test
    void numbersAndTheirSymbolsMatchTheirWords() {
        // the texts of shared/speech against what Whisper writes for them
        assertEquals(0.0, WordErrorRate.of("The expression goes 6 × 10 = 60 not 600000 that gives us a 12% chance.",
                "The expression goes 6 times 10 equals 60, not 600,000. That gives us a 12% chance.").wer());
        assertEquals(0.0, WordErrorRate.of("Today only platforms one and three are used.", "Today, only platforms 1 and 3 are used.").wer());
        assertEquals(List.of("one", "thousand", "nine", "hundred", "ninety", "nine", "point", "five", "zero", "seven"),
                WordErrorRate.words("1999.5 07"));
        assertEquals(List.of("two", "million", "one"), WordErrorRate.words("2,000,001"));
    }

    @Test
    void anEmptyReferenceIsPerfectOnlyWhenNothingWasHeard() {
        assertEquals(0.0, WordErrorRate.of("  ...  ", "").wer());
        assertEquals(1.0, WordErrorRate.of("", "something").wer());
    }
}
