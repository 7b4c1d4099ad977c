package speech.tts.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.ErrorAnswers;
import speech.runtime.testing.Multipart;
import speech.runtime.testing.TestData;

/**
 * Once a shutdown has begun, every API request gets 503 {@code shutting_down} JSON with Retry-After, uploads
 * included: a voice upload (multipart, body unread) used to get a 500. Its own profile, so the stopping
 * application is not reused by other tests.
 */
@QuarkusTest
@TestProfile(ShutdownAnswersTest.Stopping.class)
class ShutdownAnswersTest {

    public static class Stopping implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.shutdown.delay", "0s", "speech.shutdown.retry-after", "7");
        }
    }

    @Inject
    Event<ShutdownDelayInitiatedEvent> shutdownDelay;

    @Test
    void everyApiRequestGets503WithRetryAfter() throws Exception {
        String base = "http://localhost:" + RestAssured.port;
        shutdownDelay.fire(new ShutdownDelayInitiatedEvent());
        Multipart voice = new Multipart().field("name", "late").file("file", "jfk.wav", "audio/wav",
                Files.readAllBytes(TestData.speech("short/en_jfk.wav")));
        HttpClient http = HttpClient.newHttpClient();
        for (HttpRequest.Builder request : List.of(voice.post(base + "/v1/voices"),
                json(base + "/v1/speech", "{\"text\":\"Too late.\"}"),
                json(base + "/v1/audio/speech", "{\"input\":\"Too late.\",\"voice\":\"any\"}"),
                HttpRequest.newBuilder(URI.create(base + "/v1/voices")),
                HttpRequest.newBuilder(URI.create(base + "/v1/models")))) {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            ErrorAnswers.assertJsonError(r, 503);
            assertTrue(r.body().contains("\"shutting_down\""), r.body());
            assertEquals("7", r.headers().firstValue("Retry-After").orElse(""), r.request().uri().getPath());
        }
    }

    private static HttpRequest.Builder json(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }
}
