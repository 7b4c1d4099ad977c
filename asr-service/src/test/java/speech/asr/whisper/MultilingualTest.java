package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import speech.asr.Text;

/**
 * faster-whisper's {@code multilingual}: the language found per 30-s window. The MIT licence read in
 * English, then in German (60 s), with base: English segments first, then German ones in German.
 */
class MultilingualTest {

    static final ExecutorService POOL = Executors.newVirtualThreadPerTaskExecutor();

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    @Test
    void eachWindowIsDecodedInItsOwnLanguage() {
        WhisperModel base = Models.get("base");
        Transcript t = new Transcriber(Models.engine(base), POOL).transcribe(WordTimestampsTest.pcm("long/multi_en_de_mit_license.mp3"),
                DecodingOptions.defaults().toBuilder().multilingual(true).wordTimestamps(true).build(), s -> { });
        t.segments().forEach(s -> System.out.printf("%7.2f %7.2f %s %s%n", s.start(), s.end(), s.language(), s.text()));
        List<String> languages = t.segments().stream().map(Segment::language).distinct().toList();
        assertEquals(List.of("en", "de"), languages, "languages in order of appearance");
        assertEquals("en", t.language());
        String english = String.join(" ", t.segments().stream().filter(s -> s.language().equals("en")).map(Segment::text).toList());
        String german = String.join(" ", t.segments().stream().filter(s -> s.language().equals("de")).map(Segment::text).toList());
        assertTrue(Text.words(english).containsAll(List.of("permission", "software", "copyright")), english);
        assertTrue(Text.words(german).containsAll(List.of("der", "software", "und")), german);
        assertTrue(t.segments().stream().allMatch(s -> !s.words().isEmpty()), "word timestamps in both languages");
    }
}
