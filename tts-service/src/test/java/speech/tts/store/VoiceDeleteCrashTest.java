package speech.tts.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deleting a voice takes its generations with it in one transaction: a failure or a kill at any step
 * before the commit leaves the voice and its generations intact; after it, both are gone with their
 * files. Other voices' generations are never touched.
 */
class VoiceDeleteCrashTest {

    record Stores(VoiceStore voices, GenerationStore generations) {
    }

    private static final byte[] AUDIO = {'R', 'I', 'F', 'F', 9, 8, 7};

    static Stores open(Path data, CrashPoints crashPoints) {
        var db = VoiceStoreCrashTest.dataSource(data);
        return new Stores(new VoiceStore(db, new FileBlobStore(data), crashPoints).init(),
                new GenerationStore(db, new FileBlobStore(data)).init());
    }

    @ParameterizedTest
    @ValueSource(strings = {"voice.generation-rows-deleted", "voice.row-deleted", "voice.delete-committed", "never"})
    void aKilledDeleteLeavesTheVoiceAndItsGenerationsOrNeither(String step) throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "delete-crash-");
        Fixture f = fixture(data, CrashPoints.NONE);

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), VoiceDeleteCrashChild.class.getName(),
                data.toString(), step, f.victim().id()).redirectErrorStream(true).start();
        String log = new String(child.getInputStream().readAllBytes());
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(step.equals("never") ? 0 : VoiceStoreCrashChild.HALTED, child.exitValue(), log);

        Stores restarted = open(data, CrashPoints.NONE);
        boolean committed = step.equals("voice.delete-committed") || step.equals("never");
        assertEquals(!committed, restarted.voices().get(f.victim().id()).isPresent(), "voice after a crash at " + step);
        assertEquals(committed ? 0 : 2, restarted.generations().list(f.victim().id(), 10, 0).total(), "its generations after " + step);
        assertIntact(restarted, f.survivor(), f.survivorGeneration());
        if (!committed) {
            assertIntact(restarted, f.victim(), f.victimGenerations().get(0));
            assertArrayEquals(AUDIO, restarted.generations().openAudio(f.victimGenerations().get(1)).orElseThrow().readAllBytes());
        }
        try (Stream<Path> voices = Files.list(data.resolve("voices")); Stream<Path> generations = Files.list(data.resolve("generations"))) {
            assertEquals(committed ? 2 : 4, voices.count(), "only existing voices' files remain");
            assertEquals(committed ? 1 : 3, generations.count(), "only existing generations' files remain");
        }
    }

    @Test
    void aFailureMidWayRollsBothBack() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "delete-fail-");
        Fixture f = fixture(data, step -> {
            if (step.equals("voice.generation-rows-deleted")) {
                throw new IllegalStateException("disk gone");
            }
        });
        assertThrows(IllegalStateException.class, () -> f.stores().voices().deleteWithGenerations(f.victim().id(), f.stores().generations()));
        assertIntact(f.stores(), f.victim(), f.victimGenerations().get(0));
        assertEquals(2, f.stores().generations().list(f.victim().id(), 10, 0).total());
        assertIntact(f.stores(), f.survivor(), f.survivorGeneration());
    }

    @Test
    void unknownVoiceDeletesNothing() throws Exception {
        Fixture f = fixture(Files.createTempDirectory(Path.of("target"), "delete-none-"), CrashPoints.NONE);
        assertFalse(f.stores().voices().deleteWithGenerations("voice_0123456789abcdef01234567", f.stores().generations()));
        assertFalse(f.stores().voices().deleteWithGenerations("../../etc", f.stores().generations()));
        assertEquals(3, f.stores().generations().list(null, 10, 0).total());
    }

    /** Two voices; the victim has two generations, the survivor one. */
    private record Fixture(Stores stores, VoiceStore.Voice victim, List<String> victimGenerations, VoiceStore.Voice survivor,
                           String survivorGeneration) {
    }

    private static Fixture fixture(Path data, CrashPoints crashPoints) throws Exception {
        Path reference = Files.write(data.resolve("reference.wav"), AUDIO);
        Stores stores = open(data, crashPoints);
        VoiceStore.Voice victim = stores.voices().create(VoiceStoreCrashTest.newVoice(reference, "victim"));
        VoiceStore.Voice survivor = stores.voices().create(VoiceStoreCrashTest.newVoice(reference, "survivor"));
        List<String> victimGenerations = List.of(generate(stores, victim), generate(stores, victim));
        return new Fixture(stores, victim, victimGenerations, survivor, generate(stores, survivor));
    }

    private static String generate(Stores stores, VoiceStore.Voice voice) {
        return stores.generations().save(new GenerationStore.Generation(Ids.next("gen"), voice.id(), voice.model(), "Hello.", "wav",
                "audio/wav", 1.0, 10, 7, "{}", 0, Instant.now(), null), AUDIO).id();
    }

    private static void assertIntact(Stores stores, VoiceStore.Voice voice, String generationId) throws Exception {
        assertTrue(stores.voices().get(voice.id()).isPresent(), voice.name());
        assertArrayEquals(VoiceStoreCrashTest.LATENT, stores.voices().latent(voice), voice.name());
        assertEquals(voice.id(), stores.generations().get(generationId).orElseThrow().voiceId());
        assertArrayEquals(AUDIO, stores.generations().openAudio(generationId).orElseThrow().readAllBytes());
    }
}
