package speech.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.ErrorAnswers;
import speech.runtime.testing.Http;

/**
 * A request accepted before the shutdown whose work then fails because the shutdown closed what it needed (the
 * database pool, a model) answers 503 shutting_down with Retry-After, as new requests do, not 500; the same
 * failure while serving is a 500. Its own profile, so the stopping application is not reused.
 */
@QuarkusTest
@TestProfile(ShutdownCutOffTest.Own.class)
class ShutdownCutOffTest {

    public static class Own implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("speech.shutdown.retry-after", "9");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    GracefulShutdown shutdown;

    @Test
    void workCutOffByTheShutdownIs503NotA500() {
        HttpResponse<String> serving = Http.get(base + "v1/ops-test/fail");
        ErrorAnswers.assertJsonError(serving, 500);

        shutdown.begin(Duration.ofMinutes(1)); // shutting down, new requests still admitted for a minute
        HttpResponse<String> cutOff = Http.get(base + "v1/ops-test/fail");
        ErrorAnswers.assertJsonError(cutOff, 503);
        assertEquals("shutting_down", Http.error(cutOff).path("code").asText());
        assertEquals("9", cutOff.headers().firstValue("Retry-After").orElse(""));
    }
}
