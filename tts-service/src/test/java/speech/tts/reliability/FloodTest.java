package speech.tts.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.ErrorAnswers;
import speech.runtime.testing.Flood;
import speech.runtime.testing.Http;

/**
 * Reliability / overload: 16 clients asking for speech without back-off (loopback, 20 s; -Dspeech.flood.seconds=60
 * for the figure) get only 200 and 429 (a clean JSON error with Retry-After), no request fails, and none
 * waits past the request timeout; the service still answers speech afterwards.
 */
@QuarkusTest
class FloodTest {

    private static final Duration WINDOW = Flood.window(Duration.ofSeconds(20));
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final int CLIENTS = 16;
    private static final String SPEAK = "{\"text\":\"Ask not what your country can do for you.\",\"num_steps\":4,\"sequence_length\":40,\"seed\":7}";

    @Test
    void floodGetsOnly200And429AndNoneWaitsPastTheTimeout() throws Exception {
        String url = "http://localhost:" + RestAssured.port + "/v1/speech";
        Http.awaitReady(() -> RestAssured.given().get("/q/health/ready").statusCode());
        HttpClient client = HttpClient.newHttpClient();
        assertEquals(200, client.send(speak(url).build(), HttpResponse.BodyHandlers.discarding()).statusCode(), "warm-up");

        Flood.Result flood = Flood.run(CLIENTS, WINDOW, REQUEST_TIMEOUT, () -> speak(url));
        Logger.getLogger(FloodTest.class).info("TTS flood: " + flood);
        assertTrue(flood.statuses().keySet().stream().allMatch(s -> s == 200 || s == 429), "only 200 and 429: " + flood);
        assertTrue(flood.ok() > 0, "some speech finished during the flood: " + flood);
        flood.errors().values().forEach(ErrorAnswers::assertJsonError);
        assertEquals(0, flood.failures(), "no request failed or timed out: " + flood);
        assertTrue(flood.slowestMillis() < REQUEST_TIMEOUT.toMillis(), flood.toString());
        assertEquals(200, client.send(speak(url).build(), HttpResponse.BodyHandlers.discarding()).statusCode(), "serves after the flood");
    }

    private static HttpRequest.Builder speak(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(SPEAK));
    }
}
