package speech.tts.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kill-safety of voice creation: a child JVM creating a voice is halted (as by kill -9) at each step
 * of the write protocol; after a restart of the store the new voice is either complete or absent,
 * no stray file is left, and the voice that existed before is untouched.
 */
class VoiceStoreCrashTest {

    static final float[] LATENT = latent();

    @ParameterizedTest
    @ValueSource(strings = {"voice.audio-temp-written", "voice.audio-written", "voice.latent-written", "voice.row-inserted",
            "voice.committed", "never"})
    void aKilledCreateLeavesTheVoiceCompleteOrAbsent(String step) throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "crash-");
        Path reference = Files.write(data.resolve("reference.wav"), new byte[] {'R', 'I', 'F', 'F', 1, 2, 3, 4, 5});
        VoiceStore store = new VoiceStore(dataSource(data), new FileBlobStore(data), CrashPoints.NONE).init();
        VoiceStore.Voice existing = store.create(newVoice(reference, "existing"));

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), VoiceStoreCrashChild.class.getName(),
                data.toString(), step, reference.toString()).redirectErrorStream(true).start();
        String log = new String(child.getInputStream().readAllBytes());
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(step.equals("never") ? 0 : VoiceStoreCrashChild.HALTED, child.exitValue(), log);

        VoiceStore restarted = new VoiceStore(dataSource(data), new FileBlobStore(data), CrashPoints.NONE).init();
        List<VoiceStore.Voice> voices = restarted.list(10, 0).data();
        boolean committed = step.equals("voice.committed") || step.equals("never");
        assertEquals(committed ? 2 : 1, voices.size(), "voices after a crash at " + step);
        for (VoiceStore.Voice v : voices) {
            assertArrayEquals(Files.readAllBytes(reference), restarted.openAudio(v.id()).orElseThrow().readAllBytes(), v.name());
            assertArrayEquals(LATENT, restarted.latent(v), v.name());
        }
        assertEquals(existing.id(), voices.get(voices.size() - 1).id());
        try (Stream<Path> files = Files.list(data.resolve("voices"))) {
            assertEquals(2 * voices.size(), files.count(), "only complete voices' files remain");
        }
    }

    static DataSource dataSource(Path data) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + data.resolve("db/tts").toAbsolutePath() + ";WRITE_DELAY=0;FILE_LOCK=FS");
        ds.setUser("tts");
        ds.setPassword("");
        return ds;
    }

    static VoiceStore.NewVoice newVoice(Path reference, String name) {
        return new VoiceStore.NewVoice(name, 12.0, "audio/wav", reference, LATENT, 4, 80, "echo-tts-tiny");
    }

    private static float[] latent() {
        float[] l = new float[4 * 80];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) Math.sin(i);
        }
        return l;
    }
}
