package speech.tts.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.TestData;
import speech.tts.testing.PackagedService;
import speech.tts.testing.PostgresServer;
import speech.tts.testing.SeaweedServer;

/**
 * Two packaged TTS services (target/quarkus-app) sharing one PostgreSQL and one S3 bucket, each with
 * its own data dir: a voice created on one speaks on the other, a delete on one is seen by the other,
 * and a restarted replica finds everything the other wrote meanwhile.
 */
class TwoReplicasIT {

    static final String SPEAK = "{\"text\":\"Ask not what your country can do for you.\",\"voice_id\":\"%s\",\"num_steps\":4,\"sequence_length\":40,\"seed\":7}";

    @Test
    void voicesAndGenerationsAreSharedAcrossReplicas() throws Exception {
        try (PostgresServer postgres = PostgresServer.start(); SeaweedServer seaweed = SeaweedServer.start()) {
            Map<String, String> shared = Map.of(
                    "TTS_STORAGE_DATABASE_URL", postgres.createDatabase("tts"),
                    "TTS_STORAGE_DATABASE_USERNAME", "postgres",
                    "TTS_STORAGE_BLOBS", "s3",
                    "TTS_STORAGE_S3_ENDPOINT", seaweed.endpoint().toString(),
                    "TTS_STORAGE_S3_BUCKET", "tts-replicas",
                    "TTS_STORAGE_S3_ACCESS_KEY", SeaweedServer.ACCESS_KEY,
                    "TTS_STORAGE_S3_SECRET_KEY", SeaweedServer.SECRET_KEY);
            try (PackagedService a = PackagedService.ready("a", shared); PackagedService b = PackagedService.ready("b", shared)) {
                byte[] reference = Files.readAllBytes(TestData.speech("short/en_jfk.wav"));
                String voice = a.createVoice(reference);

                HttpResponse<byte[]> spoken = b.post("/v1/speech", SPEAK.formatted(voice));
                assertEquals(200, spoken.statusCode(), new String(spoken.body(), StandardCharsets.UTF_8));
                assertEquals("RIFF", new String(spoken.body(), 0, 4, StandardCharsets.US_ASCII));
                String generation = spoken.headers().firstValue("X-Generation-Id").orElseThrow();
                assertArrayEquals(spoken.body(), a.get("/v1/generations/" + generation + "/audio").body(), "B's audio served by A");
                assertArrayEquals(reference, b.get("/v1/voices/" + voice + "/audio").body(), "A's reference served by B");

                a.restart();
                String second = b.createVoice(reference);
                assertEquals(200, a.get("/v1/voices/" + second).statusCode(), "restarted A sees B's new voice");
                assertEquals(200, a.get("/v1/generations/" + generation).statusCode(), "and the generation from before");

                assertEquals(204, a.delete("/v1/voices/" + voice).statusCode());
                assertEquals(404, b.get("/v1/voices/" + voice).statusCode(), "B sees A's delete");
                assertEquals(404, b.get("/v1/generations/" + generation).statusCode(), "with the voice's generations");
                assertEquals(404, b.post("/v1/speech", SPEAK.formatted(voice)).statusCode(), "and cannot speak with it");

                b.restart();
                HttpResponse<byte[]> again = b.post("/v1/speech", SPEAK.formatted(second));
                assertEquals(200, again.statusCode(), new String(again.body(), StandardCharsets.UTF_8));
            }
        }
    }
}
