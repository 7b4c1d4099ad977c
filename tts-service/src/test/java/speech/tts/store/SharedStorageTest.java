package speech.tts.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import speech.tts.testing.PostgresServer;
import speech.tts.testing.SeaweedServer;

/**
 * The stores on a real PostgreSQL and a real S3 server (SeaweedFS), as two replicas see them: each
 * "replica" has its own connection pool and S3 client over the same database and bucket.
 */
class SharedStorageTest {

    private static PostgresServer postgres;
    private static SeaweedServer seaweed;

    @BeforeAll
    static void servers() throws Exception {
        postgres = PostgresServer.start();
        seaweed = SeaweedServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (seaweed != null) {
            seaweed.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private record Replica(AgroalDataSource db, S3BlobStore blobs, VoiceStore voices, GenerationStore generations) implements AutoCloseable {

        static Replica open(String url, String bucket, Duration orphanMinAge) {
            AgroalDataSource db = Databases.pooled(url, Optional.of("postgres"), Optional.empty(), 4);
            S3BlobStore blobs = new S3BlobStore(seaweed.settings(bucket));
            return new Replica(db, blobs, new VoiceStore(db, blobs, CrashPoints.NONE).init(orphanMinAge),
                    new GenerationStore(db, blobs).init(orphanMinAge));
        }

        @Override
        public void close() {
            blobs.close();
            db.close();
        }
    }

    @Test
    void aVoiceCreatedOnOneReplicaIsReadAndDeletedOnTheOther() throws Exception {
        String url = postgres.createDatabase("shared_voices");
        Path reference = Files.write(Files.createTempFile("reference", ".wav"), new byte[] {'R', 'I', 'F', 'F', 9, 8, 7});
        try (Replica a = Replica.open(url, "voices-test", Duration.ofHours(1)); Replica b = Replica.open(url, "voices-test", Duration.ofHours(1))) {
            VoiceStore.Voice voice = a.voices().create(VoiceStoreCrashTest.newVoice(reference, "shared"));
            GenerationStore.Generation gen = a.generations().save(generation(voice), new byte[] {1, 2, 3, 4});

            VoiceStore.Voice seen = b.voices().get(voice.id()).orElseThrow();
            assertEquals(voice, seen);
            assertArrayEquals(Files.readAllBytes(reference), b.voices().openAudio(voice.id()).orElseThrow().readAllBytes());
            assertArrayEquals(VoiceStoreCrashTest.LATENT, b.voices().latent(seen));
            assertArrayEquals(new byte[] {1, 2, 3, 4}, b.generations().openAudio(gen.id()).orElseThrow().readAllBytes());
            assertEquals(List.of(gen.id()), b.generations().list(voice.id(), 10, 0).data().stream().map(GenerationStore.Generation::id).toList());

            assertTrue(b.voices().deleteWithGenerations(voice.id(), b.generations()));
            assertTrue(a.voices().get(voice.id()).isEmpty());
            assertTrue(a.generations().get(gen.id()).isEmpty());
            assertTrue(a.voices().openAudio(voice.id()).isEmpty(), "reference blob gone");
            assertTrue(a.generations().openAudio(gen.id()).isEmpty(), "generation blob gone");
            assertFalse(a.voices().deleteWithGenerations(voice.id(), a.generations()), "second delete finds nothing");
        }
    }

    @Test
    void aStartingReplicaLeavesAnotherReplicasWriteInProgressAlone() throws Exception {
        String url = postgres.createDatabase("shared_recovery");
        try (Replica a = Replica.open(url, "recovery-test", Duration.ofHours(1))) {
            // A's save has written its blob but not yet its row when B starts.
            a.blobs().put("generations/gen_00000000000000000000000a.audio", new byte[] {5});
            GenerationStore.Generation kept = a.generations().save(generation(null), new byte[] {6});

            try (Replica b = Replica.open(url, "recovery-test", Duration.ofHours(1))) {
                assertTrue(b.blobs().open("generations/gen_00000000000000000000000a.audio").isPresent(), "young orphan kept");
            }
            try (Replica c = Replica.open(url, "recovery-test", Duration.ZERO)) {
                assertTrue(c.blobs().open("generations/gen_00000000000000000000000a.audio").isEmpty(), "old orphan removed");
                assertArrayEquals(new byte[] {6}, c.generations().openAudio(kept.id()).orElseThrow().readAllBytes(), "committed audio kept");
            }
        }
    }

    private static GenerationStore.Generation generation(VoiceStore.Voice voice) {
        return new GenerationStore.Generation(Ids.next("gen"), voice == null ? null : voice.id(), "echo-tts-tiny", "Hello.", "wav",
                "audio/wav", 1.0, 10, 7, "{}", 4, Instant.ofEpochMilli(System.currentTimeMillis()), null);
    }
}
