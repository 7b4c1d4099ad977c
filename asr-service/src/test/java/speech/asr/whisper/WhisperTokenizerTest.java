package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import speech.runtime.model.Manifest;
import speech.runtime.testing.TestData;

/** Expected ids are what the Hugging Face `tokenizers` library gives for the same tokenizer.json files. */
class WhisperTokenizerTest {

    static final Path EN = TestData.shared().resolve("whisper/tiny.en/hf_config_tokenizer/tokenizer.json");
    static final Path MULTI = TestData.shared().resolve("whisper/tiny/hf_config_tokenizer/tokenizer.json");
    static final String JFK = " And so my fellow Americans, ask not what your country can do for you.";
    static final String MIXED = " Привет, мир! 砸自己的脚 l'été — 12% ça va?";
    static final String SPACES = "  two  spaces\tand tab's";

    @Test
    void encodesLikeHuggingFaceEnglish() {
        WhisperTokenizer t = WhisperTokenizer.load(EN, 50256);
        assertEquals(List.of(843, 523, 616, 5891, 3399, 11, 1265, 407, 644, 534, 1499, 460, 466, 329, 345, 13), t.encode(JFK));
        assertEquals(List.of(12466, 253, 21169, 18849, 38857, 16843, 20375, 11, 12466, 120, 18849, 21169, 0, 13328, 254, 116, 164,
                229, 103, 32432, 109, 21410, 164, 226, 248, 300, 6, 25125, 2634, 851, 1105, 4, 6184, 100, 64, 46935, 30), t.encode(MIXED));
        assertEquals(List.of(220, 734, 220, 9029, 197, 392, 7400, 338), t.encode(SPACES));
    }

    @Test
    void encodesLikeHuggingFaceMultilingual() {
        WhisperTokenizer t = WhisperTokenizer.load(MULTI, 50257);
        assertEquals(List.of(400, 370, 452, 7177, 6280, 11, 1029, 406, 437, 428, 1941, 393, 360, 337, 291, 13), t.encode(JFK));
        assertEquals(List.of(38932, 11, 20536, 0, 220, 163, 14264, 17645, 1546, 27067, 248, 287, 6, 21210, 3466, 2272, 4, 2788,
                2773, 30), t.encode(MIXED));
    }

    @Test
    void roundTripsTextIncludingCharactersSplitAcrossTokens() {
        for (Path file : List.of(EN, MULTI)) {
            WhisperTokenizer t = WhisperTokenizer.load(file, file == EN ? 50256 : 50257);
            for (String text : List.of(JFK, MIXED, SPACES)) {
                assertEquals(text, t.decode(t.encode(text)), file.toString());
            }
        }
    }

    @Test
    void decodeSkipsSpecialAndTimestampIds() {
        WhisperTokenizer t = WhisperTokenizer.load(MULTI, 50257);
        List<Integer> hello = t.encode(" Hello world");
        List<Integer> ids = new java.util.ArrayList<>(List.of(50258, 50259, 50359, 50364));
        ids.addAll(hello);
        ids.addAll(List.of(51000, 50257));
        assertEquals(" Hello world", t.decode(ids));
    }

    @Test
    void specialIdsOfTheExportedModelsMatchTheirTokenizer() {
        for (String id : List.of("tiny.en", "base")) {
            WhisperManifest m = WhisperManifest.of(Manifest.read(TestData.model(id)));
            WhisperTokenizer t = WhisperTokenizer.load(TestData.model(id).resolve(m.tokenizerFile()), m.special().eot());
            WhisperManifest.SpecialTokens s = m.special();
            assertEquals(s.eot(), t.id("<|endoftext|>"), id);
            assertEquals(s.sot(), t.id("<|startoftranscript|>"), id);
            assertEquals(s.transcribe(), t.id("<|transcribe|>"), id);
            assertEquals(s.translate(), t.id("<|translate|>"), id);
            assertEquals(s.sotPrev(), t.id("<|startofprev|>"), id);
            assertEquals(s.noTimestamps(), t.id("<|notimestamps|>"), id);
            assertEquals(s.noTimestamps() + 1, s.timestampBegin(), id);
            m.languages().forEach((code, tokenId) -> assertEquals(tokenId, t.id("<|" + code + "|>"), code));
            assertEquals(m.multilingual(), !m.languages().isEmpty(), id);
        }
    }
}
