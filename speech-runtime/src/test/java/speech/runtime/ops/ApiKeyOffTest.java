package speech.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.Http;

/** No {@code speech.api-key}: the API is open, and readiness reports it accepts requests. */
@QuarkusTest
class ApiKeyOffTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void apiAnswersWithoutAKey() {
        HttpResponse<String> r = Http.get(base + "v1/ops-test/hello");
        assertEquals(200, r.statusCode());
        assertEquals("hello", r.body());
    }

    @Test
    void readinessIncludesTheShutdownCheck() {
        HttpResponse<String> r = Http.get(base + "q/health/ready");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"accepting-requests\""), r.body());
    }
}
