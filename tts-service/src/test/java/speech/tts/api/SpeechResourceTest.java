package speech.tts.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
class SpeechResourceTest {

    /** Few steps and a short window keep the tiny model fast; the math is the same. */
    static Map<String, Object> fast(Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("num_steps", 4, "sequence_length", 40, "seed", 7));
        body.putAll(extra);
        return body;
    }

    @Test
    void speaksInAStoredVoiceAndStoresTheGeneration() {
        String voice = Voices.jfk();
        Response r = given().contentType(ContentType.JSON).body(fast(Map.of("text", "Ask not what your country can do for you.", "voice_id", voice)))
                .post("/v1/speech");
        r.then().statusCode(200).contentType(startsWith("audio/wav"))
                .header("X-Generation-Id", matchesPattern("gen_[0-9a-f]{24}"))
                .header("X-Audio-Duration", notNullValue()).header("X-Processing-Time-Ms", notNullValue());
        byte[] wav = r.asByteArray();
        assertEquals("RIFF", new String(wav, 0, 4, StandardCharsets.US_ASCII));
        double seconds = Double.parseDouble(r.header("X-Audio-Duration"));
        assertTrue(seconds > 0 && seconds <= 40 * 2048 / 44100.0 + 1e-3, "duration " + seconds);

        String id = r.header("X-Generation-Id");
        given().get("/v1/generations/" + id).then().statusCode(200)
                .body("voice_id", equalTo(voice)).body("format", equalTo("wav")).body("seed", equalTo(7))
                .body("settings.num_steps", equalTo(4)).body("settings.cfg_scale_speaker", equalTo(8.0f))
                .body("audio_url", equalTo("/v1/generations/" + id + "/audio"));
        given().get("/v1/generations?voice_id=" + voice).then().statusCode(200).body("data.id", org.hamcrest.Matchers.hasItem(id));
        byte[] stored = given().get("/v1/generations/" + id + "/audio").then().statusCode(200).contentType(startsWith("audio/wav"))
                .extract().asByteArray();
        assertEquals(wav.length, stored.length);
        given().delete("/v1/generations/" + id).then().statusCode(204);
        given().get("/v1/generations/" + id).then().statusCode(404).body("error.code", equalTo("generation_not_found"));
    }

    @Test
    void sameSeedSameAudio() {
        Map<String, Object> body = fast(Map.of("text", "Deterministic."));
        byte[] a = given().contentType(ContentType.JSON).body(body).post("/v1/speech").then().statusCode(200).extract().asByteArray();
        byte[] b = given().contentType(ContentType.JSON).body(body).post("/v1/speech").then().statusCode(200).extract().asByteArray();
        assertTrue(java.util.Arrays.equals(a, b));
    }

    @Test
    void aWavGenerationDownloadsInEveryFormat() {
        String id = given().contentType(ContentType.JSON).body(fast(Map.of("text", "Convert me."))).post("/v1/speech")
                .then().statusCode(200).extract().header("X-Generation-Id");
        byte[] wav = given().get("/v1/generations/" + id + "/audio").then().statusCode(200).extract().asByteArray();
        byte[] flac = given().get("/v1/generations/" + id + "/audio?format=flac").then().statusCode(200).contentType(startsWith("audio/flac"))
                .header("Content-Disposition", containsString(id + ".flac")).extract().asByteArray();
        assertEquals("fLaC", new String(flac, 0, 4, StandardCharsets.US_ASCII));
        byte[] pcm = given().get("/v1/generations/" + id + "/audio?format=pcm").then().statusCode(200).contentType(startsWith("audio/L16"))
                .extract().asByteArray();
        assertEquals(wav.length - 44, pcm.length, "the same samples without the WAV header");
        given().get("/v1/generations/" + id + "/audio?format=wav").then().statusCode(200).contentType(startsWith("audio/wav"));
        given().get("/v1/generations/" + id + "/audio?format=midi").then().statusCode(400).body("error.param", equalTo("format"));

        String mp3 = given().contentType(ContentType.JSON).body(fast(Map.of("text", "Lossy.", "format", "mp3"))).post("/v1/speech")
                .then().statusCode(200).extract().header("X-Generation-Id");
        given().get("/v1/generations/" + mp3 + "/audio?format=wav").then().statusCode(400)
                .body("error.message", containsString("only a generation stored as wav"));
        given().get("/v1/generations/gen_000000000000000000000000/audio?format=mp3").then().statusCode(404);
    }

    @Test
    void verifyWithoutAnAsrServiceIs400() {
        given().contentType(ContentType.JSON).body(fast(Map.of("text", "Check me.", "verify", Map.of("max_wer", 0.2))))
                .post("/v1/speech").then().statusCode(400).body("error.param", equalTo("verify"))
                .body("error.message", containsString("tts.asr.url"));
    }

    @Test
    void speaksWithoutAVoice() {
        given().contentType(ContentType.JSON).body(fast(Map.of("text", "No voice given.")))
                .post("/v1/speech").then().statusCode(200).contentType(startsWith("audio/wav"));
    }

    @ParameterizedTest
    @CsvSource({"wav,audio/wav", "flac,audio/flac", "mp3,audio/mpeg", "opus,audio/ogg", "pcm,audio/L16"})
    void everyFormatHasItsContentType(String format, String mediaType) {
        given().contentType(ContentType.JSON).body(fast(Map.of("text", "Formats.", "format", format)))
                .post("/v1/speech").then().statusCode(200).contentType(startsWith(mediaType));
    }

    @Test
    void longTextIsChunkedAndJoined() {
        String sentence = "This is one sentence of a long text that the service must split into several chunks. ";
        Response r = given().contentType(ContentType.JSON).body(fast(Map.of("text", sentence.repeat(12), "sequence_length", 24)))
                .post("/v1/speech");
        r.then().statusCode(200);
        // 12 × 88 bytes at ≤ 300 tokens per chunk: at least 4 chunks of ≤ 24 frames, joined with short overlaps.
        double seconds = Double.parseDouble(r.header("X-Audio-Duration"));
        assertTrue(seconds > 3 * 24 * 2048 / 44100.0, "duration " + seconds);
    }

    @Test
    void forceSpeakerAndRescaleAreAccepted() {
        given().contentType(ContentType.JSON).body(fast(Map.of("text", "Flat preset.", "voice_id", Voices.jfk(), "truncation_factor", 0.8,
                "rescale_k", 1.2, "rescale_sigma", 3.0, "speaker_kv_scale", 1.5, "speaker_kv_max_layers", 1))).post("/v1/speech")
                .then().statusCode(200);
    }

    @Test
    void textLimits() {
        bad(Map.of("text", "x".repeat(6000)), "text");
        bad(Map.of("text", "   "), "text");
        bad(Map.of("voice_id", Voices.jfk()), "text");
        bad(Map.of("text", "lone \ud800 surrogate"), "text");
    }

    @Test
    void invalidUtf8Is400() {
        byte[] body = "{\"text\": \"caf\u00e9 \"}".getBytes(StandardCharsets.ISO_8859_1);
        given().contentType("application/json").body(body).post("/v1/speech").then().statusCode(400)
                .body("error.message", notNullValue());
    }

    @Test
    void unknownVoiceIs404() {
        given().contentType(ContentType.JSON).body(Map.of("text", "Hi.", "voice_id", "voice_0123456789abcdef01234567"))
                .post("/v1/speech").then().statusCode(404).body("error.code", equalTo("voice_not_found"));
        given().contentType(ContentType.JSON).body(Map.of("text", "Hi.", "voice_id", "../../etc/passwd"))
                .post("/v1/speech").then().statusCode(404).body("error.message", containsString("no voice"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "num_steps|0|num_steps", "num_steps|1000|num_steps", "cfg_scale_text|-1|cfg_scale_text", "cfg_scale_speaker|99|cfg_scale_speaker",
            "cfg_min_t|1.5|cfg_min_t", "cfg_max_t|-0.1|cfg_max_t", "truncation_factor|0|truncation_factor", "rescale_k|1.2|rescale_sigma",
            "rescale_sigma|3|rescale_k", "speaker_kv_max_layers|1|speaker_kv_max_layers", "speaker_kv_min_t|0.9|speaker_kv_min_t",
            "speaker_kv_scale|1.5|speaker_kv_scale", "sequence_length|641|sequence_length", "sequence_length|0|sequence_length",
            "format|aiff|format"})
    void outOfRangeSettingsAre400(String field, String value, String param) {
        Object v = value.matches("-?[0-9.]+") ? (Object) Double.valueOf(value) : value;
        if (field.equals("num_steps") || field.equals("sequence_length") || field.equals("speaker_kv_max_layers")) {
            v = Integer.valueOf(value);
        }
        bad(Map.of("text", "Hello.", field, v), param);
    }

    @Test
    void cfgWindowMustBeOrderedAndUnknownFieldsRejected() {
        bad(Map.of("text", "Hello.", "cfg_min_t", 0.9, "cfg_max_t", 0.5), "cfg_min_t");
        given().contentType(ContentType.JSON).body(Map.of("text", "Hello.", "num_step", 4)).post("/v1/speech")
                .then().statusCode(400).body("error.code", equalTo("invalid_json"));
        given().contentType(ContentType.JSON).body("{\"text\": ").post("/v1/speech").then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("text", "Hello.", "num_steps", "many")).post("/v1/speech").then().statusCode(400);
    }

    @Test
    void generationListingValidatesAndFilters() {
        given().get("/v1/generations?limit=500").then().statusCode(400);
        given().get("/v1/generations?voice_id=voice_0123456789abcdef01234567").then().statusCode(200).body("total", equalTo(0));
        given().get("/v1/generations/..%2F..%2Fetc").then().statusCode(404);
        given().get("/v1/generations/gen_x/audio").then().statusCode(404).body("error", notNullValue()).body("error.details", nullValue());
    }

    private static void bad(Map<String, Object> body, String param) {
        given().contentType(ContentType.JSON).body(body).post("/v1/speech").then().statusCode(400)
                .body("error.param", equalTo(param)).body("error.message", notNullValue())
                .body("error.type", equalTo("invalid_request_error"));
    }
}
