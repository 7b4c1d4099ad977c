package speech.tts.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reliability / bounded disk: generated audio is kept by age and by total bytes, oldest first, files included. */
class GenerationRetentionTest {

    private static final byte[] AUDIO = new byte[1000];

    @TempDir
    Path data;

    @Test
    void theTotalStaysWithinTheByteBudget() throws Exception {
        GenerationStore store = new GenerationStore(VoiceStoreCrashTest.dataSource(data), new FileBlobStore(data),
                new GenerationStore.Retention(Duration.ofDays(1), 3500)).init();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(save(store, Instant.now()));
        }
        for (int i = 0; i < 3; i++) {
            assertFalse(store.get(ids.get(i)).isPresent(), "oldest deleted: " + i);
            assertFalse(store.openAudio(ids.get(i)).isPresent(), "its audio file too: " + i);
        }
        for (int i = 3; i < 6; i++) {
            assertTrue(store.get(ids.get(i)).isPresent(), "newest kept: " + i);
        }
        try (Stream<Path> files = Files.list(data.resolve("generations"))) {
            assertEquals(3, files.count());
        }
    }

    @Test
    void oldGenerationsExpireIncludingAtStartup() {
        DataSource db = VoiceStoreCrashTest.dataSource(data);
        GenerationStore forever = new GenerationStore(db, new FileBlobStore(data)).init();
        String old = save(forever, Instant.now().minus(Duration.ofHours(3)));
        String fresh = save(forever, Instant.now());
        GenerationStore restarted = new GenerationStore(db, new FileBlobStore(data),
                new GenerationStore.Retention(Duration.ofHours(1), Long.MAX_VALUE)).init();
        assertFalse(restarted.get(old).isPresent(), "expired at startup");
        assertFalse(restarted.openAudio(old).isPresent());
        assertTrue(restarted.get(fresh).isPresent());
    }

    private static String save(GenerationStore store, Instant createdAt) {
        return store.save(new GenerationStore.Generation(Ids.next("gen"), null, "echo-tts-tiny", "Hello.", "wav",
                "audio/wav", 1.0, 10, 7, "{}", 0, createdAt, null), AUDIO).id();
    }
}
