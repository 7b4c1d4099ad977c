package speech.asr.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.ErrorAnswers;
import speech.runtime.testing.Multipart;
import speech.runtime.testing.TestData;

/**
 * Reliability / full disk: with less free space on the upload volume than an upload needs plus what the service keeps
 * (simulated by a reserve larger than any disk), a transcription answers 507 JSON with Retry-After from its headers,
 * nothing is spooled, and the service goes on answering what needs no disk.
 */
@QuarkusTest
@TestProfile(FullDiskTest.NoRoomLeft.class)
class FullDiskTest {

    static final Path UPLOADS = Path.of("target/full-disk-uploads");

    public static class NoRoomLeft implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("speech.upload.min-free-bytes", Long.toString(Long.MAX_VALUE / 2), "speech.upload.dir", UPLOADS.toString());
        }
    }

    @Test
    void transcriptionsAre507BeforeTheUpload() throws Exception {
        String base = "http://localhost:" + RestAssured.port;
        Multipart form = new Multipart().file("file", "jfk.wav", "audio/wav", Files.readAllBytes(TestData.speech("short/en_jfk.wav")));
        HttpResponse<String> r = HttpClient.newHttpClient().send(form.post(base + "/v1/audio/transcriptions").build(),
                HttpResponse.BodyHandlers.ofString());
        ErrorAnswers.assertJsonError(r, 507);
        assertTrue(r.body().contains("\"insufficient_storage\""), r.body());
        assertEquals("60", r.headers().firstValue("Retry-After").orElse(""));
        try (Stream<Path> spooled = Files.list(UPLOADS)) {
            assertEquals(0, spooled.count(), "nothing was spooled");
        }
        assertEquals(200, RestAssured.given().get("/v1/models").statusCode());
    }
}
