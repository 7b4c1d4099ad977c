package speech.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.Http;

/** {@code speech.api-key} set (and CORS on): /v1 needs the Bearer key, health and metrics stay open. */
@QuarkusTest
@TestProfile(ApiKeyOnTest.KeyAndCors.class)
class ApiKeyOnTest {

    static final String KEY = "s3cret-key";
    static final String ORIGIN = "http://app.example";

    public static class KeyAndCors implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("speech.api-key", KEY,
                    "quarkus.http.cors.enabled", "true",
                    "quarkus.http.cors.origins", ORIGIN);
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void missingKeyIs401WithAJsonError() {
        HttpResponse<String> r = Http.get(base + "v1/ops-test/hello");
        assertEquals(401, r.statusCode());
        JsonNode error = Http.error(r);
        assertEquals("missing_api_key", error.path("code").asText());
        assertEquals("authentication_error", error.path("type").asText());
        assertTrue(error.path("message").asText().contains("Authorization: Bearer"));
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    }

    @Test
    void wrongKeyOrSchemeIs401() {
        assertEquals("invalid_api_key", Http.error(Http.get(base + "v1/ops-test/hello", "Authorization", "Bearer nope")).path("code").asText());
        assertEquals("invalid_api_key", Http.error(Http.get(base + "v1/ops-test/hello", "Authorization", "Basic " + KEY)).path("code").asText());
        assertEquals(401, Http.get(base + "v1/unknown", "Authorization", "Bearer nope").statusCode());
    }

    @Test
    void rightKeyPasses() {
        HttpResponse<String> r = Http.get(base + "v1/ops-test/hello", "Authorization", "Bearer " + KEY);
        assertEquals(200, r.statusCode());
        assertEquals("hello", r.body());
        assertEquals(200, Http.get(base + "v1/ops-test/hello", "Authorization", "bearer " + KEY).statusCode());
    }

    @Test
    void healthAndMetricsStayOpen() {
        assertEquals(200, Http.get(base + "q/health/ready").statusCode());
        assertEquals(200, Http.get(base + "q/health/live").statusCode());
        assertEquals(200, Http.get(base + "q/health/started").statusCode());
        HttpResponse<String> metrics = Http.get(base + "q/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("speech_queue_depth{queue=\"ops-test\""), "queue gauge exported");
    }

    @Test
    void corsPreflightNeedsNoKeyAndAllowsTheAuthorizationHeader() {
        HttpResponse<String> r = Http.send("OPTIONS", base + "v1/ops-test/hello", "Origin", ORIGIN,
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization");
        assertEquals(200, r.statusCode());
        assertEquals(ORIGIN, r.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        assertTrue(r.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase().contains("authorization"));
    }

    @Test
    void corsHeadersAreOnRejectionsToo() {
        HttpResponse<String> r = Http.get(base + "v1/ops-test/hello", "Origin", ORIGIN);
        assertEquals(401, r.statusCode());
        assertEquals(ORIGIN, r.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        assertTrue(r.headers().firstValue("Access-Control-Expose-Headers").orElse("").contains("Retry-After"));
    }

    @Test
    void otherOriginsAreNotAllowed() {
        HttpResponse<String> r = Http.get(base + "v1/ops-test/hello", "Origin", "http://evil.example", "Authorization", "Bearer " + KEY);
        assertTrue(r.headers().firstValue("Access-Control-Allow-Origin").isEmpty() || r.statusCode() == 403, r.headers().toString());
    }
}
