package speech.tts.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OpenAiSpeechResourceTest {

    @Test
    void speechByVoiceNameDefaultsToMp3() {
        Voices.jfk();
        given().contentType(ContentType.JSON).body(Map.of("model", "tts-1", "input", "Hello from the OpenAI endpoint.", "voice", "JFK"))
                .post("/v1/audio/speech").then().statusCode(200).contentType(startsWith("audio/mpeg"));
    }

    @Test
    void everyAcceptThatAdmitsTheAudioGetsItWithItsRealTypeAndErrorsStayJson() {
        Map<String, Object> body = Map.of("input", "Accept.", "voice", Voices.jfk(), "response_format", "flac");
        // the official Python SDK sends application/octet-stream; others */*, audio/*, the exact type or nothing
        for (String accept : new String[] {"application/octet-stream", "*/*", "audio/*", "audio/flac", "application/json, audio/flac;q=0.5"}) {
            given().contentType(ContentType.JSON).accept(accept).body(body).post("/v1/audio/speech")
                    .then().statusCode(200).contentType(startsWith("audio/flac"));
        }
        given().contentType(ContentType.JSON).body(body).post("/v1/audio/speech").then().statusCode(200).contentType(startsWith("audio/flac"));
        given().contentType(ContentType.JSON).accept("text/html").body(body).post("/v1/audio/speech")
                .then().statusCode(406).contentType(startsWith("application/json")).body("error.code", equalTo("not_acceptable"));
        given().contentType(ContentType.JSON).accept("application/octet-stream").body(Map.of("input", "x", "voice", "alloy"))
                .post("/v1/audio/speech").then().statusCode(404).contentType(startsWith("application/json"))
                .body("error.code", equalTo("voice_not_found"));
        given().contentType(ContentType.JSON).accept("audio/*").body(Map.of("input", "x", "voice", Voices.jfk(), "response_format", "wma"))
                .post("/v1/audio/speech").then().statusCode(400).contentType(startsWith("application/json"))
                .body("error.param", equalTo("response_format"));
        given().contentType(ContentType.JSON).accept("application/octet-stream").body(Map.of("text", "Native.", "num_steps", 2, "sequence_length", 8))
                .post("/v1/speech").then().statusCode(200).contentType(startsWith("audio/wav"));
    }

    @Test
    void speedChangesDuration() {
        Map<String, Object> body = Map.of("input", "Speed.", "voice", Voices.jfk(), "response_format", "wav");
        double normal = Double.parseDouble(given().contentType(ContentType.JSON).body(body).post("/v1/audio/speech")
                .then().statusCode(200).extract().header("X-Audio-Duration"));
        Map<String, Object> fast = new java.util.HashMap<>(body);
        fast.put("speed", 2.0);
        double doubled = Double.parseDouble(given().contentType(ContentType.JSON).body(fast).post("/v1/audio/speech")
                .then().statusCode(200).extract().header("X-Audio-Duration"));
        assertTrue(Math.abs(doubled - normal / 2) < 0.1, normal + " vs " + doubled);
        fast.put("speed", 5.0);
        given().contentType(ContentType.JSON).body(fast).post("/v1/audio/speech").then().statusCode(400).body("error.param", equalTo("speed"));
    }

    @Test
    void unknownVoiceModelAndInstructions() {
        given().contentType(ContentType.JSON).body(Map.of("input", "x", "voice", "alloy")).post("/v1/audio/speech")
                .then().statusCode(404).body("error.code", equalTo("voice_not_found"));
        given().contentType(ContentType.JSON).body(Map.of("input", "x", "voice", Voices.jfk(), "model", "nope")).post("/v1/audio/speech")
                .then().statusCode(404).body("error.code", equalTo("model_not_found"));
        given().contentType(ContentType.JSON).body(Map.of("input", "x", "voice", Voices.jfk(), "instructions", "whisper")).post("/v1/audio/speech")
                .then().statusCode(400).body("error.param", equalTo("instructions"));
    }

    @Test
    void everyModelShowsTheLicenceItsExportRecorded() {
        // the tiny fixture checkpoints declare no licence: the manifest and the API say so plainly
        given().get("/v1/models").then().statusCode(200)
                .body("data.size()", greaterThan(0))
                .body("data.license.id", everyItem(equalTo("NOASSERTION")))
                .body("data.find { it.id == 'echo-tts-tiny' }.license.checkpoints.role", contains("dit", "codec"))
                .body("data.find { it.id == 'echo-tts-tiny' }.license.checkpoints.declared_by",
                        everyItem(startsWith("none declared")));
        given().contentType(ContentType.JSON).body(Map.of("text", "Licence.", "num_steps", 2, "sequence_length", 8)).post("/v1/speech")
                .then().statusCode(200);
        given().get("/v1/info").then().statusCode(200).body("model.license.id", equalTo("NOASSERTION"))
                .body("model.license.non_commercial", equalTo(false));
    }

    @Test
    void voicesAndModels() {
        String id = Voices.jfk();
        given().get("/v1/audio/voices").then().statusCode(200).body("voices.voice_id", hasItem(id));
        given().get("/v1/models").then().statusCode(200).body("object", equalTo("list")).body("data.id", hasItem("echo-tts-tiny"));
        given().get("/v1/models/echo-tts-tiny").then().statusCode(200).body("id", equalTo("echo-tts-tiny"))
                .body("object", equalTo("model")).body("license.id", equalTo("NOASSERTION"));
        given().get("/v1/models/tts-nope").then().statusCode(404).contentType(ContentType.JSON)
                .body("error.code", equalTo("model_not_found")).body("error.details.available", hasItem("echo-tts-tiny"));
    }
}
