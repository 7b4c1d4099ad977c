package speech.tts.api;

import static io.restassured.RestAssured.given;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reliability / bounded disk: the OpenAI-compatible route does not keep what it generates (by default); the native API does. */
@QuarkusTest
class GenerationStorageTest {

    @Test
    void openAiSpeechIsNotStoredNativeSpeechIs() {
        String openAi = given().contentType(ContentType.JSON).body(Map.of("input", "Not kept.", "voice", Voices.jfk(), "response_format", "wav"))
                .post("/v1/audio/speech").then().statusCode(200).extract().header("X-Generation-Id");
        given().get("/v1/generations/" + openAi).then().statusCode(404);
        String kept = given().contentType(ContentType.JSON).body(SpeechResourceTest.fast(Map.of("text", "Kept.", "voice_id", Voices.jfk())))
                .post("/v1/speech").then().statusCode(200).extract().header("X-Generation-Id");
        given().get("/v1/generations/" + kept).then().statusCode(200);
        given().get("/v1/generations/" + kept + "/audio").then().statusCode(200);
    }
}
