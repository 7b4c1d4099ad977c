package speech.tts.roundtrip;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ASR service slow (a port that accepts and never answers) or down (a port nobody listens on): speech
 * is answered all the same and its score is marked unavailable with the reason, never a 5xx.
 */
abstract class AsrUnavailableTest {
    // the two cases are AsrDownTest and AsrSlowTest (top-level: surefire skips nested classes)

    @Inject
    RoundTrip roundTrip;

    abstract String reason();

    @Test
    void speechIsAnsweredAndItsScoreMarkedUnavailable() throws Exception {
        Response r = given().contentType(ContentType.JSON).body(RoundTripTest.speech("Still spoken.", Map.of())).post("/v1/speech");
        r.then().statusCode(200).header("X-Round-Trip", "pending");
        assertTrue(roundTrip.awaitIdle(Duration.ofMinutes(1)));
        given().get("/v1/generations/" + r.header("X-Generation-Id")).then().statusCode(200)
                .body("round_trip.status", equalTo("unavailable")).body("round_trip.error", containsString(reason()))
                .body("round_trip.wer", equalTo(null));
    }

    @Test
    void verifyAnswersTheFirstAttemptWithoutRetrying() {
        Response r = given().contentType(ContentType.JSON)
                .body(RoundTripTest.speech("Still spoken.", Map.of("verify", Map.of("max_wer", 0.2, "attempts", 3)))).post("/v1/speech");
        r.then().statusCode(200).header("X-Round-Trip", "unavailable").header("X-Verify-Attempts", "1").header("X-Verify-Passed", "false");
        given().get("/v1/generations/" + r.header("X-Generation-Id")).then().statusCode(200)
                .body("round_trip.status", equalTo("unavailable")).body("round_trip.attempts.size()", equalTo(1))
                .body("round_trip.attempts[0].kept", equalTo(true)).body("round_trip.error", containsString(reason()));
    }

    /** A server that accepts connections and reads nothing: every call times out. */
    public static class Silent implements QuarkusTestResourceLifecycleManager {

        private ServerSocket server;
        private final List<Socket> held = new ArrayList<>();

        @Override
        public Map<String, String> start() {
            try {
                server = new ServerSocket(0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try {
                        held.add(server.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            return Map.of("tts.asr.url", "http://127.0.0.1:" + server.getLocalPort());
        }

        @Override
        public void stop() {
            try {
                server.close();
                for (Socket s : held) {
                    s.close();
                }
            } catch (IOException ignored) {
                // the test is over
            }
        }
    }
}
