package speech.tts.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import speech.tts.testing.Fixtures;

/** Tokenizer golden vectors from the official code (config.json), matched exactly. */
class ByteTokenizerTest {

    private final ByteTokenizer tokenizer = new ByteTokenizer(768, 0);

    @Test
    void everyGoldenCaseMatchesExactly() {
        int n = 0;
        for (JsonNode c : FixtureSettings.config().get("tokenizer_cases")) {
            String raw = c.get("raw").asText();
            assertEquals(c.get("normalized").asText(), TextNormalizer.normalize(raw), raw);
            long[] actual = tokenizer.encode(raw);
            if (c.has("ids")) {
                long[] expected = new long[c.get("ids").size()];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = c.get("ids").get(i).asLong();
                }
                assertArrayEquals(expected, actual, raw);
            } else {
                // The 768-byte case stores its length and last 8 ids.
                assertEquals(c.get("ids_len").asInt(), actual.length);
                for (int i = 0; i < 8; i++) {
                    assertEquals(c.get("ids_tail_last8").get(i).asLong(), actual[actual.length - 8 + i]);
                }
            }
            n++;
        }
        assertEquals(8, n);
    }

    @Test
    void textEncoderCaseIdsMatch() {
        long[] ids = Fixtures.echoCase("text_encoder").longs("input_ids");
        String raw = FixtureSettings.config().get("prompts").get("prompt_raw").asText();
        assertArrayEquals(ids, tokenizer.encode(raw));
    }

    @Test
    void truncationCountsBosAndMayCutACharacter() {
        long[] ids = tokenizer.encode("[S1] a" + "é".repeat(500));
        assertEquals(768, ids.length);
        assertEquals(0, ids[0]);
        assertEquals(0xC3, ids[767]);
    }
}
