package speech.asr.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import speech.asr.Text;
import speech.runtime.testing.Http;
import speech.runtime.testing.TestData;

/**
 * {@code stream=true}: OpenAI's transcript.text.delta events, one per segment in order, then transcript.text.done.
 * "Before the whole file is decoded" is read from the engine's own step counter, not from the clock: the
 * decoder keeps stepping after the client holds the first delta.
 */
@QuarkusTest
class TranscriptionStreamingTest {

    static final Path JFK = TestData.speech("short/en_jfk.wav");
    static final Path LONG = TestData.speech("long/en_concat_ground_truth_long.wav");
    private static final Pattern LANES = Pattern.compile("speech_engine_(?:running|waiting)_lanes\\{engine=\"asr-tiny\\.en-(?:en|de)coder\",?} (\\S+)");
    private static final Pattern DECODER_STEPS = Pattern.compile("speech_engine_rows_per_step_count\\{engine=\"asr-tiny\\.en-decoder\",?} (\\S+)");

    @TestHTTPResource("/v1/audio/transcriptions")
    URI transcriptions;

    @BeforeEach
    void waitUntilReady() {
        Http.awaitReady(() -> given().get("/q/health/ready").statusCode());
    }

    record Streamed(List<JsonNode> deltas, JsonNode done, double decoderStepsAtFirstDelta, double decoderStepsAtDone) {
        String concatenated() {
            return String.join("", deltas.stream().map(d -> d.path("delta").asText()).toList());
        }
    }

    @Test
    void deltasAddUpToTheNonStreamedText() throws Exception {
        String plain = given().multiPart("file", JFK.toFile()).multiPart("model", "tiny.en")
                .post("/v1/audio/transcriptions").then().statusCode(200).extract().path("text");
        Streamed s = stream(JFK, Map.of("model", "tiny.en", "stream", "true"));
        assertTrue(!s.deltas().isEmpty(), "no delta");
        assertEquals(plain, s.concatenated());
        assertEquals(plain, s.done().path("text").asText());
        assertEquals("duration", s.done().path("usage").path("type").asText());
        assertEquals(11.0, s.done().path("usage").path("seconds").asDouble(), 0.01);
        assertEquals(0, s.deltas().get(0).path("segment").path("id").asInt());
    }

    @Test
    void aLongFileStreamsSegmentBySegmentWhileLaterWindowsDecode() throws Exception {
        Streamed s = stream(LONG, Map.of("model", "tiny.en", "stream", "true", "response_format", "text"));
        assertTrue(s.deltas().size() >= 10, "deltas: " + s.deltas().size());
        assertTrue(s.decoderStepsAtDone() > s.decoderStepsAtFirstDelta(),
                "the decoder stepped " + (s.decoderStepsAtDone() - s.decoderStepsAtFirstDelta()) + " times after the first delta arrived");
        assertEquals(s.done().path("text").asText(), s.concatenated());

        double previousEnd = 0;
        for (int i = 0; i < s.deltas().size(); i++) {
            JsonNode seg = s.deltas().get(i).path("segment");
            assertEquals(i, seg.path("id").asInt());
            assertTrue(seg.path("start").asDouble() >= previousEnd - 1e-3 && seg.path("end").asDouble() > seg.path("start").asDouble(),
                    "segment " + seg + " after one ending at " + previousEnd);
            previousEnd = seg.path("end").asDouble();
        }
        assertTrue(previousEnd <= 173.2, "last segment ends at " + previousEnd);

        JsonNode truth = new ObjectMapper().readTree(TestData.speech("long/en_concat_ground_truth_long.segments.json").toFile());
        List<String> reference = new ArrayList<>();
        truth.path("segments").forEach(c -> reference.addAll(Text.spokenWords(c.path("text").asText())));
        double wer = Text.editDistance(reference, Text.spokenWords(s.done().path("text").asText())) / (double) reference.size();
        assertTrue(wer < 0.15, "word error rate " + wer);
    }

    @Test
    void aClientThatLeavesCancelsTheRestOfTheFile() throws Exception {
        HttpResponse<InputStream> r = Sse.post(transcriptions, LONG, Map.of("model", "tiny.en", "stream", "true"));
        assertEquals(200, r.statusCode());
        InputStream body = r.body();
        byte[] first = new byte[64];
        assertTrue(body.read(first) > 0, "no event");
        assertTrue(lanes() > 0, "the file was still decoding when the client left");
        body.close(); // the connection goes with it
        double left = Double.NaN;
        for (int i = 0; i < 300 && left != 0; i++) {
            Thread.sleep(100);
            left = lanes();
        }
        assertEquals(0.0, left, "lanes of the abandoned stream still in the engine after 30 s");
    }

    @Test
    void streamingRefusesFormatsWithTimesAndNonBooleans() {
        given().multiPart("file", JFK.toFile()).multiPart("stream", "true").multiPart("response_format", "srt")
                .post("/v1/audio/transcriptions").then().statusCode(400).body("error.param", equalTo("stream"));
        given().multiPart("file", JFK.toFile()).multiPart("stream", "yes")
                .post("/v1/audio/transcriptions").then().statusCode(400).body("error.param", equalTo("stream"));
    }

    @Test
    void badAudioIsAPlain400BeforeAnyEvent() {
        given().multiPart("file", "notes.wav", "this is not audio".getBytes()).multiPart("stream", "true")
                .post("/v1/audio/transcriptions").then().statusCode(400).contentType(startsWith("application/json"))
                .body("error.code", equalTo("invalid_audio"));
    }

    @Test
    void translationsStreamToo() throws Exception {
        Streamed s = stream(JFK, Map.of("model", "base", "stream", "true"), URI.create(transcriptions.toString().replace("transcriptions", "translations")));
        assertTrue(Text.normalize(s.done().path("text").asText()).contains("ask not what your country can do for you"), s.done().toString());
    }

    private Streamed stream(Path file, Map<String, String> fields) throws Exception {
        return stream(file, fields, transcriptions);
    }

    private Streamed stream(Path file, Map<String, String> fields, URI url) throws Exception {
        HttpResponse<InputStream> r = Sse.post(url, file, fields);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
        List<JsonNode> deltas = new ArrayList<>();
        JsonNode[] done = new JsonNode[1];
        double[] steps = {-1, -1};
        Sse.read(r.body(), event -> {
            assertTrue(done[0] == null, "an event after transcript.text.done: " + event);
            switch (event.path("type").asText()) {
                case TranscriptEvents.DELTA -> {
                    if (deltas.isEmpty()) {
                        steps[0] = decoderSteps();
                    }
                    deltas.add(event);
                }
                case TranscriptEvents.DONE -> {
                    steps[1] = decoderSteps();
                    done[0] = event;
                }
                default -> throw new AssertionError("unexpected event " + event);
            }
        });
        assertTrue(done[0] != null, "no transcript.text.done");
        return new Streamed(deltas, done[0], steps[0], steps[1]);
    }

    /** Running and waiting lanes of both tiny.en loops. */
    static double lanes() {
        Matcher m = LANES.matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private static double decoderSteps() {
        Matcher m = DECODER_STEPS.matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
        assertTrue(m.find(), "no decoder step count in /q/metrics");
        return Double.parseDouble(m.group(1));
    }
}
