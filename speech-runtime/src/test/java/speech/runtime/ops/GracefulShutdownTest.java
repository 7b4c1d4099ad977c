package speech.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.Http;

/**
 * Fires the event Quarkus fires on SIGTERM (with {@code quarkus.shutdown.delay-enabled}) while an
 * inference job is running, then checks each step: readiness DOWN while still serving during the
 * delay, 503 + Retry-After for new requests after it, the in-flight requests (one on an inference
 * queue, one on an engine) finishing with 200, and the drain waiting for both. Its own profile, so the draining application is not reused.
 */
@QuarkusTest
@TestProfile(GracefulShutdownTest.ShortDelay.class)
class GracefulShutdownTest {

    static final long DELAY_MS = 1500;

    public static class ShortDelay implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.shutdown.delay", DELAY_MS + "ms", "speech.shutdown.retry-after", "7");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    Event<ShutdownDelayInitiatedEvent> shutdownDelay;

    @Inject
    GracefulShutdown shutdown;

    @Test
    void inFlightFinishesNewGet503AndReadinessGoesDownFirst() throws Exception {
        OpsTestApp.Held.reset();
        CompletableFuture<HttpResponse<String>> inFlight = Http.getAsync(base + "v1/ops-test/held");
        assertTrue(OpsTestApp.Held.entered.await(10, TimeUnit.SECONDS), "held job started");
        CompletableFuture<HttpResponse<String>> inEngine = Http.getAsync(base + "v1/ops-test/held-engine");
        assertTrue(OpsTestApp.Held.engineEntered.await(10, TimeUnit.SECONDS), "held engine step started");

        long start = System.nanoTime();
        shutdownDelay.fire(new ShutdownDelayInitiatedEvent());

        // 1. readiness DOWN at once, the API still served during the delay
        assertEquals(503, Http.get(base + "q/health/ready").statusCode());
        HttpResponse<String> duringDelay = Http.get(base + "v1/ops-test/hello");
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(DELAY_MS), "checked within the delay");
        assertEquals(200, duringDelay.statusCode());

        // 2. after the delay: new requests 503 + Retry-After, liveness unaffected
        Thread.sleep(DELAY_MS + 200);
        HttpResponse<String> refused = Http.get(base + "v1/ops-test/hello");
        assertEquals(503, refused.statusCode());
        assertEquals("7", refused.headers().firstValue("Retry-After").orElse(""));
        assertEquals("shutting_down", Http.error(refused).path("code").asText());
        assertEquals("server_busy_error", Http.error(refused).path("type").asText());
        assertEquals(200, Http.get(base + "q/health/live").statusCode());

        // 3. the queue drain waits for the in-flight job, which then answers 200
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(shutdown::drainQueues);
        Thread.sleep(300);
        assertFalse(drained.isDone(), "drain waits for the running job");
        assertFalse(inFlight.isDone(), "in-flight request still running");
        assertFalse(inEngine.isDone(), "in-flight engine request still running");

        OpsTestApp.Held.release.countDown();
        HttpResponse<String> finished = inFlight.get(10, TimeUnit.SECONDS);
        assertEquals(200, finished.statusCode());
        assertEquals("finished", finished.body());
        HttpResponse<String> engineFinished = inEngine.get(10, TimeUnit.SECONDS);
        assertEquals(200, engineFinished.statusCode());
        assertEquals("finished", engineFinished.body());
        assertTrue(drained.get(10, TimeUnit.SECONDS), "queue drained within the grace period");
        assertTrue(shutdown.shuttingDown());
    }
}
