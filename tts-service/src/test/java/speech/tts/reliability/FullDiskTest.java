package speech.tts.reliability;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.TestData;

/**
 * Reliability / full disk: with less free space than the service keeps (simulated by a budget larger
 * than any disk), voice creation and stored speech answer 507 JSON before any work, and nothing is half-written.
 */
@QuarkusTest
@TestProfile(FullDiskTest.NoRoomLeft.class)
class FullDiskTest {

    public static class NoRoomLeft implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tts.min-free-disk-bytes", Long.toString(Long.MAX_VALUE), "tts.data-dir", "target/tts-data-full-disk");
        }
    }

    @Test
    void newVoicesAndStoredSpeechAre507() {
        long generations = given().get("/v1/generations").then().statusCode(200).extract().jsonPath().getLong("total");
        long voices = given().get("/v1/voices").then().statusCode(200).extract().jsonPath().getLong("total");
        given().multiPart("name", "no-room").multiPart("file", TestData.speech("short/en_jfk.wav").toFile(), "audio/wav")
                .post("/v1/voices").then().statusCode(507).contentType(ContentType.JSON).body("error.code", equalTo("insufficient_storage"));
        given().contentType(ContentType.JSON).body(Map.of("text", "No room.", "num_steps", 4, "sequence_length", 40))
                .post("/v1/speech").then().statusCode(507).contentType(ContentType.JSON).body("error.code", equalTo("insufficient_storage"));
        given().get("/v1/generations").then().statusCode(200).body("total", equalTo((int) generations));
        given().get("/v1/voices").then().statusCode(200).body("total", equalTo((int) voices));
    }
}
