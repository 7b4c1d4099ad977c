package speech.tts.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextChunkerTest {

    @Test
    void shortTextIsOneUpstreamPrompt() {
        assertEquals(List.of("[S1] Hello there, this is a test... isn't it?"),
                new TextChunker(768).split("Hello there: this is a test\u2026 isn\u2019t it?"));
    }

    @Test
    void longTextSplitsAtSentencesWithinTheBudget() {
        String sentence = "This sentence has exactly some words in it and ends here. ";
        List<String> chunks = new TextChunker(200).split(sentence.repeat(20));
        assertTrue(chunks.size() > 5);
        for (String c : chunks) {
            assertTrue(ByteTokenizer.length(c) <= 200, c);
            assertTrue(c.startsWith("[S1] This sentence"), c);
            assertTrue(c.endsWith("ends here."), c);
        }
        String joined = String.join(" ", chunks).replace("[S1] ", "");
        assertEquals(sentence.repeat(20).trim(), joined);
    }

    @Test
    void speakerTagCarriesOverAndHugeWordsAreCut() {
        List<String> chunks = new TextChunker(60).split("[S2] " + "Word. ".repeat(30) + "x".repeat(150) + "\u00e9\u00e9");
        assertTrue(chunks.stream().allMatch(c -> c.startsWith("[S2]")), chunks.toString());
        assertTrue(chunks.stream().allMatch(c -> ByteTokenizer.length(c) <= 60));
    }
}
