package speech.asr.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import speech.runtime.testing.Http;

/**
 * The bounds of /v1/realtime: the API key (Bearer header, browser subprotocol, query parameter) or 401
 * before the upgrade; one session more than allowed is a 429; a session that sends nothing is closed;
 * at shutdown, open sessions are closed with 1001 and new ones refused with 503 (last: it stays so).
 */
@QuarkusTest
@TestProfile(RealtimeLimitsTest.Limits.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealtimeLimitsTest {

    public static class Limits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("speech.api-key", "s3cret", "asr.realtime.max-sessions", "1", "asr.realtime.idle-timeout", "3s");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    RealtimeSocket realtime;

    @Test
    @Order(1)
    void theKeyInAnyOfItsThreePlacesOpensASessionAndOnlyOne() throws Exception {
        Http.awaitReady(() -> given().get("/q/health/ready").statusCode());
        assertEquals(401, handshakeStatus(() -> RealtimeClient.connect(base, "?intent=transcription")));
        assertEquals(401, handshakeStatus(() -> RealtimeClient.connect(base, "?intent=transcription", "Authorization", "Bearer wrong")));

        try (RealtimeClient c = RealtimeClient.connect(base, "?intent=transcription", "Authorization", "Bearer s3cret")) {
            c.expect("session.created", 60);
            // the one session in use: the next is refused before its upgrade
            assertEquals(429, handshakeStatus(() -> RealtimeClient.connect(base, "?intent=transcription", "Authorization", "Bearer s3cret")));
        }
        // a browser's way: the key as a subprotocol next to "realtime", which the server picks
        RealtimeClient browser = awaitSlot(() -> RealtimeClient.connect(HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("realtime", "openai-insecure-api-key.s3cret"), base, "?intent=transcription"));
        try (browser) {
            assertEquals(RealtimeSocket.SUBPROTOCOL, browser.socket.getSubprotocol());
            browser.expect("session.created", 60);
        }
        try (RealtimeClient c = awaitSlot(() -> RealtimeClient.connect(base, "?intent=transcription&api_key=s3cret"))) {
            c.expect("session.created", 60);
            // idle: nothing sent for 3 s → an error event, then a normal close
            assertEquals("session_idle", c.expect("error", 30).path("error").path("code").asText());
            assertEquals(1000, c.closed.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    @Order(2)
    void atShutdownOpenSessionsAreToldToGoAwayAndNewOnesAre503() throws Exception {
        Http.awaitReady(() -> given().get("/q/health/ready").statusCode());
        try (RealtimeClient c = awaitSlot(() -> RealtimeClient.connect(base, "?intent=transcription", "Authorization", "Bearer s3cret"))) {
            c.expect("session.created", 60);
            realtime.shutdown(null); // what Quarkus' ShutdownEvent does first
            assertEquals(1001, c.closed.get(30, TimeUnit.SECONDS));
        }
        assertEquals(503, handshakeStatus(() -> RealtimeClient.connect(base, "?intent=transcription", "Authorization", "Bearer s3cret")));
    }

    private static int handshakeStatus(Runnable connect) {
        CompletionException e = assertThrows(CompletionException.class, connect::run);
        return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode();
    }

    /** The previous session's slot is given back when its close completes: retry a 429 for a moment. */
    private static RealtimeClient awaitSlot(java.util.function.Supplier<RealtimeClient> connect) throws InterruptedException {
        for (int i = 0; ; i++) {
            try {
                return connect.get();
            } catch (CompletionException e) {
                if (i > 50 || !(e.getCause() instanceof WebSocketHandshakeException h) || h.getResponse().statusCode() != 429) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
