package speech.asr.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.Http;

/**
 * A stream that fails after it started (here: the 173 s file against a 3 s deadline, which its audio
 * decoding meets and its transcription does not) ends with an error event carrying the 504 body, the
 * body ends cleanly (the client reads to its end without a reset), and the job's lanes leave the engine.
 */
@QuarkusTest
@TestProfile(TranscriptionStreamFailureTest.ShortDeadline.class)
class TranscriptionStreamFailureTest {

    public static class ShortDeadline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("speech.queue.timeout", "3s");
        }
    }

    @TestHTTPResource("/v1/audio/transcriptions")
    URI transcriptions;

    @Test
    void aFailureAfterTheStartIsAnErrorEvent() throws Exception {
        Http.awaitReady(() -> given().get("/q/health/ready").statusCode());
        HttpResponse<InputStream> r = Sse.post(transcriptions, TranscriptionStreamingTest.LONG, Map.of("model", "tiny.en", "stream", "true"));
        assertEquals(200, r.statusCode());
        List<JsonNode> events = new ArrayList<>();
        Sse.read(r.body(), events::add);
        assertTrue(!events.isEmpty());
        JsonNode last = events.get(events.size() - 1);
        assertEquals("error", last.path("type").asText(), events.toString());
        assertEquals(504, last.path("status").asInt());
        assertEquals("timeout", last.path("error").path("code").asText());
        assertEquals("server_busy_error", last.path("error").path("type").asText());
        events.subList(0, events.size() - 1).forEach(e -> assertEquals(TranscriptEvents.DELTA, e.path("type").asText()));
        // The service is unharmed: the failed job's lanes leave the engine, and it stays ready.
        double lanes = Double.NaN;
        for (int i = 0; i < 300 && lanes != 0; i++) {
            Thread.sleep(100);
            lanes = TranscriptionStreamingTest.lanes();
        }
        assertEquals(0.0, lanes, "lanes still in the engine after the stream failed");
        given().get("/q/health/ready").then().statusCode(200);
    }
}
