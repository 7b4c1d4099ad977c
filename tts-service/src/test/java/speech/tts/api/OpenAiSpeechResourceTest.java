package speech.tts.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
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
    void voicesAndModels() {
        String id = Voices.jfk();
        given().get("/v1/audio/voices").then().statusCode(200).body("voices.voice_id", hasItem(id));
        given().get("/v1/models").then().statusCode(200).body("object", equalTo("list")).body("data.id", hasItem("echo-tts-tiny"));
    }
}
