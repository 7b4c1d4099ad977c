package speech.tts.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code stream_format}: the first audio of a multi-chunk text reaches the client while later chunks
 * are still being sampled (the DiT scheduler still runs lanes), in both formats; the streamed audio
 * is the stored generation's (/v1/speech; the OpenAI route does not store by default).
 */
@QuarkusTest
class SpeechStreamingTest {

    @TestHTTPResource("/")
    URI base;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Three chunks at the test's 300-token chunk budget; 100 steps keep the later chunks sampling for a while. */
    private static final String TEXT = ("The first paragraph talks about the weather and how it changed over the long afternoon. ".repeat(3)
            + "The second paragraph is about a walk along the river, past the old mill and the bridge. ".repeat(3)
            + "The third paragraph closes the story with dinner, a book and an early night. ".repeat(3)).trim();

    @Test
    void wavArrivesBeforeTheLastChunkIsSampled() throws Exception {
        HttpResponse<InputStream> r = post("/v1/speech", Map.of("text", TEXT, "voice_id", Voices.jfk(), "format", "wav",
                "stream_format", "audio", "num_steps", 100, "seed", 5));
        assertEquals(200, r.statusCode());
        String id = r.headers().firstValue("X-Generation-Id").orElseThrow();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (InputStream in = r.body()) {
            byte[] buffer = new byte[4096];
            int n = in.read(buffer);
            assertTrue(n > 0, "no audio");
            assertTrue(runningLanes() > 0, "later chunks were still sampling when the first audio arrived");
            do {
                all.write(buffer, 0, n);
            } while ((n = in.read(buffer)) > 0);
        }
        byte[] stored = given().get("/v1/generations/" + id + "/audio").then().statusCode(200).extract().asByteArray();
        byte[] streamed = all.toByteArray();
        assertEquals("RIFF", new String(streamed, 0, 4, StandardCharsets.US_ASCII));
        // Streamed WAV has an open length in its header; the samples after it are the stored generation's.
        assertArrayEquals(Arrays.copyOfRange(stored, 44, stored.length), Arrays.copyOfRange(streamed, 44, streamed.length),
                "the streamed audio is the stored generation");
    }

    @Test
    void sseSendsDeltasThenDone() throws Exception {
        HttpResponse<InputStream> r = post("/v1/audio/speech", Map.of("input", TEXT, "voice", Voices.jfk(), "response_format", "pcm",
                "stream_format", "sse"));
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        int deltas = 0;
        JsonNode done = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.startsWith("data: ")) {
                    continue;
                }
                JsonNode event = JSON.readTree(line.substring(6));
                if (event.get("type").asText().equals("speech.audio.delta")) {
                    if (deltas++ == 0) {
                        assertTrue(runningLanes() > 0, "later chunks were still sampling when the first delta arrived");
                    }
                    audio.write(Base64.getDecoder().decode(event.get("audio").asText()));
                } else {
                    assertEquals("speech.audio.done", event.get("type").asText());
                    done = event;
                }
            }
        }
        assertTrue(deltas > 1, "deltas: " + deltas);
        assertTrue(done != null, "no speech.audio.done");
        // 16-bit mono PCM: the deltas add up to the clip the done event reports.
        assertEquals(done.get("audio_duration").asDouble(), audio.size() / 2 / 44100.0, 1e-3);
    }

    @Test
    void anUnknownStreamFormatIsA400() {
        given().contentType(ContentType.JSON).body(Map.of("input", "x", "voice", Voices.jfk(), "stream_format", "chunks"))
                .post("/v1/audio/speech").then().statusCode(400)
                .body("error.param", org.hamcrest.Matchers.equalTo("stream_format"));
    }

    private HttpResponse<InputStream> post(String path, Map<String, Object> body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static int runningLanes() {
        return given().get("/v1/info").then().statusCode(200).extract().path("engine.running_lanes");
    }
}
