package speech.tts.roundtrip;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.JsonConfig;
import io.restassured.path.json.config.JsonPathConfig;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.TestData;

/**
 * The round trip with both services running: the TTS service under test and the packaged ASR service on
 * Whisper tiny.en. The scoring is checked on real recordings against their known text; the loop on the
 * fixture model, whose random weights make noise that no transcript matches.
 */
@QuarkusTest
@TestProfile(AsrService.Running.class)
class RoundTripTest {

    @Inject
    RoundTrip roundTrip;

    @BeforeAll
    static void exactNumbers() {
        // scores compared to 1e-9 must not pass through rest-assured's default float
        RestAssured.config = RestAssured.config().jsonConfig(JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    @AfterAll
    static void defaultNumbers() {
        RestAssured.config = RestAssured.config().jsonConfig(JsonConfig.jsonConfig());
    }

    static Map<String, Object> speech(String text, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("text", text, "num_steps", 4, "sequence_length", 40, "seed", 11));
        body.putAll(extra);
        return body;
    }

    @Test
    void realRecordingsScoreCloseToTheirTranscripts() throws Exception {
        List<String> report = new ArrayList<>();
        List<String> far = new ArrayList<>();
        double total = 0;
        int n = 0;
        for (String[] row : TestData.transcripts()) {
            // English ground truth of one speaker in WAV (what the round trip sends);
            // row: file, language, transcript, source, reference_kind, duration_s, sample_rate, channels
            if (!row[0].startsWith("short/") || !row[0].endsWith(".wav") || !row[1].equals("en") || !row[4].equals("ground_truth")
                    || !row[7].equals("1")) {
                continue;
            }
            RoundTripScore score = roundTrip.score(Files.readAllBytes(TestData.speech(row[0])), row[2]);
            assertEquals(RoundTripScore.SCORED, score.status(), row[0] + ": " + score.error());
            assertEquals("tiny.en", score.asrModel());
            assertEquals(WordErrorRate.of(row[2], score.transcript()), new WordErrorRate.Rates(score.wer(), score.cer()));
            String line = String.format("%s wer=%.3f cer=%.3f heard '%s'", row[0], score.wer(), score.cer(), score.transcript());
            report.add(line);
            if (score.wer() > 0.4) { // tiny.en mishears a word or three of a short sentence, no more
                far.add(line);
            }
            total += score.wer();
            n++;
        }
        System.out.println(String.join("\n", report));
        assertTrue(n >= 10, "only " + n + " English ground-truth mono WAV clips in transcripts.tsv");
        assertEquals(List.of(), far, "clips whose transcript is far from their text");
        assertTrue(total / n <= 0.06, "mean WER " + total / n + " over " + n + " clips:\n" + String.join("\n", report));

        // JFK: tiny.en says it word for word; only punctuation differs, which the normalisation removes
        RoundTripScore jfk = roundTrip.score(Files.readAllBytes(TestData.speech("short/en_jfk.wav")),
                "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.");
        assertEquals(0.0, jfk.wer(), jfk.transcript());
        // the same audio against another sentence's text is nearly all wrong
        RoundTripScore wrong = roundTrip.score(Files.readAllBytes(TestData.speech("short/en_jfk.wav")),
                "The birch canoe slid on the smooth planks.");
        assertTrue(wrong.wer() >= 0.9, "wer " + wrong.wer() + " for " + wrong.transcript());
    }

    @Test
    void everyStoredGenerationIsScoredAfterItIsAnswered() throws Exception {
        String text = "The quick brown fox jumps over the lazy dog.";
        Response r = given().contentType(ContentType.JSON).body(speech(text, Map.of())).post("/v1/speech");
        r.then().statusCode(200).header("X-Round-Trip", "pending");
        String id = r.header("X-Generation-Id");
        assertTrue(roundTrip.awaitIdle(Duration.ofMinutes(2)));
        JsonPath g = given().get("/v1/generations/" + id).then().statusCode(200)
                .body("round_trip.status", equalTo("scored")).body("round_trip.asr_model", equalTo("tiny.en")).extract().jsonPath();
        String heard = g.getString("round_trip.transcript");
        assertNotNull(heard);
        assertEquals(WordErrorRate.of(text, heard).wer(), g.getDouble("round_trip.wer"), 1e-9);
        assertEquals(WordErrorRate.of(text, heard).cer(), g.getDouble("round_trip.cer"), 1e-9);
        // listed the same way
        given().get("/v1/generations?limit=1").then().statusCode(200).body("data[0].id", equalTo(id))
                .body("data[0].round_trip.status", equalTo("scored"));
    }

    @Test
    void verifyRegeneratesWhileTheScoreIsTooBadAndKeepsTheBest() {
        // the fixture's noise never comes within 0.2 of a sentence: all three attempts are made
        String text = "Please call Stella and ask her to bring these things with her from the store.";
        Response r = given().contentType(ContentType.JSON)
                .body(speech(text, Map.of("verify", Map.of("max_wer", 0.2, "attempts", 3)))).post("/v1/speech");
        r.then().statusCode(200).header("X-Round-Trip", "scored").header("X-Verify-Attempts", "3").header("X-Verify-Passed", "false");
        JsonPath g = given().get("/v1/generations/" + r.header("X-Generation-Id")).then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> attempts = g.getList("round_trip.attempts");
        assertEquals(3, attempts.size());
        assertEquals(0.2, g.getDouble("round_trip.max_wer"));
        assertEquals(11L, ((Number) attempts.get(0).get("seed")).longValue(), "the first attempt uses the request's seed");
        assertEquals(3, new HashSet<>(attempts.stream().map(a -> a.get("seed")).toList()).size(), "each attempt has its own seed");
        double best = attempts.stream().mapToDouble(a -> ((Number) a.get("wer")).doubleValue()).min().orElseThrow();
        List<Map<String, Object>> kept = attempts.stream().filter(a -> Boolean.TRUE.equals(a.get("kept"))).toList();
        assertEquals(1, kept.size());
        assertEquals(best, ((Number) kept.get(0).get("wer")).doubleValue(), 1e-9, "the best attempt is kept");
        assertEquals(best, g.getDouble("round_trip.wer"), 1e-9);
        assertEquals(((Number) kept.get(0).get("seed")).longValue(), g.getLong("seed"), "the stored generation is the kept attempt");
        assertEquals(Double.parseDouble(r.header("X-Round-Trip-Wer")), best, 1e-4);
        assertEquals(Long.toString(g.getLong("seed")), r.header("X-Seed"));
    }

    @Test
    void verifyStopsAtTheFirstAttemptWithinTheLimit() {
        // the limit is the first attempt's own score: the same seed makes the same audio, which scores the same
        String text = "Hello there.";
        Response first = given().contentType(ContentType.JSON)
                .body(speech(text, Map.of("verify", Map.of("max_wer", 0.0, "attempts", 1)))).post("/v1/speech");
        first.then().statusCode(200).header("X-Verify-Attempts", "1");
        double wer = given().get("/v1/generations/" + first.header("X-Generation-Id")).then().statusCode(200)
                .extract().jsonPath().getDouble("round_trip.wer"); // exact, where the header is rounded
        assertTrue(wer <= 1.0, "the fixture's seed 11 was heard as more words than the text (" + wer + "): no max_wer can accept it");
        Response again = given().contentType(ContentType.JSON)
                .body(speech(text, Map.of("verify", Map.of("max_wer", wer, "attempts", 3)))).post("/v1/speech");
        again.then().statusCode(200).header("X-Verify-Attempts", "1").header("X-Verify-Passed", "true")
                .header("X-Seed", "11").header("X-Round-Trip-Wer", first.header("X-Round-Trip-Wer"));
    }

    @Test
    void verifyOptionsOutOfRangeOrStreamedAre400() {
        given().contentType(ContentType.JSON).body(speech("x", Map.of("verify", Map.of("max_wer", 2)))).post("/v1/speech")
                .then().statusCode(400).body("error.param", equalTo("verify.max_wer"));
        given().contentType(ContentType.JSON).body(speech("x", Map.of("verify", Map.of("max_wer", 0.2, "attempts", 9)))).post("/v1/speech")
                .then().statusCode(400).body("error.param", equalTo("verify.attempts"));
        given().contentType(ContentType.JSON).body(speech("x", Map.of("verify", Map.of("max_wer", 0.2), "stream_format", "audio")))
                .post("/v1/speech").then().statusCode(400).body("error.param", equalTo("verify"));
    }
}
