package speech.tts.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

@QuarkusTest
class VoiceResourceTest {

    @Test
    void createGetListAudioDelete() throws Exception {
        String id = given().multiPart("name", "  Kennedy  ").multiPart("file", TestAudio.jfk().toFile(), "application/octet-stream")
                .when().post("/v1/voices")
                .then().statusCode(201)
                .header("Location", containsString("/v1/voices/"))
                .body("id", matchesPattern("voice_[0-9a-f]{24}"))
                .body("name", equalTo("Kennedy"))
                .body("duration_seconds", equalTo(11.0f))
                .body("created_at", notNullValue())
                .body("media_type", equalTo("audio/wav"))
                .extract().path("id");

        given().get("/v1/voices/" + id).then().statusCode(200).body("name", equalTo("Kennedy"));
        given().get("/v1/voices?limit=1").then().statusCode(200)
                .body("data[0].id", equalTo(id)).body("limit", equalTo(1)).body("total", greaterThanOrEqualTo(1));
        byte[] audio = given().get("/v1/voices/" + id + "/audio").then().statusCode(200)
                .contentType(startsWith("audio/wav")).extract().asByteArray();
        assertArrayEquals(Files.readAllBytes(TestAudio.jfk()), audio);

        given().delete("/v1/voices/" + id).then().statusCode(204);
        given().get("/v1/voices/" + id).then().statusCode(404).body("error.code", equalTo("voice_not_found"));
        given().get("/v1/voices/" + id + "/audio").then().statusCode(404);
        given().delete("/v1/voices/" + id).then().statusCode(404);
    }

    @Test
    void renameChangesOnlyTheName() {
        String id = given().multiPart("name", "Before").multiPart("file", TestAudio.jfk().toFile(), "audio/wav")
                .post("/v1/voices").then().statusCode(201).extract().path("id");
        given().contentType("application/json").body(java.util.Map.of("name", "  After  ")).patch("/v1/voices/" + id)
                .then().statusCode(200).body("id", equalTo(id)).body("name", equalTo("After")).body("duration_seconds", equalTo(11.0f));
        given().get("/v1/voices/" + id).then().statusCode(200).body("name", equalTo("After"));
        // the OpenAI endpoint finds it by its new name
        given().contentType("application/json").body(java.util.Map.of("model", "tts-1", "input", "Hi.", "voice", "After", "response_format", "wav"))
                .post("/v1/audio/speech").then().statusCode(200);

        given().contentType("application/json").body(java.util.Map.of("name", " ")).patch("/v1/voices/" + id)
                .then().statusCode(400).body("error.param", equalTo("name"));
        given().contentType("application/json").patch("/v1/voices/" + id).then().statusCode(400).body("error.code", equalTo("missing_body"));
        given().contentType("application/json").body(java.util.Map.of("name", "x")).patch("/v1/voices/voice_000000000000000000000000")
                .then().statusCode(404).body("error.code", equalTo("voice_not_found"));
        given().delete("/v1/voices/" + id).then().statusCode(204);
    }

    @Test
    void contentTypeComesFromTheFileNotTheClient() {
        String id = given().multiPart("name", "mp3").multiPart("file", TestAudio.jfkMp3().toFile(), "audio/wav")
                .post("/v1/voices").then().statusCode(201).body("media_type", equalTo("audio/mpeg")).extract().path("id");
        given().get("/v1/voices/" + id + "/audio").then().statusCode(200).contentType(startsWith("audio/mpeg"));
        given().delete("/v1/voices/" + id).then().statusCode(204);
    }

    @Test
    void listIsNewestFirstAndPaged() {
        String a = create("first");
        String b = create("second");
        given().get("/v1/voices?limit=2").then().statusCode(200).body("data[0].id", equalTo(b)).body("data[1].id", equalTo(a));
        given().get("/v1/voices?limit=1&offset=1").then().statusCode(200).body("data[0].id", equalTo(a));
        given().get("/v1/voices?limit=0").then().statusCode(400).body("error.param", equalTo("limit"));
        given().get("/v1/voices?offset=-1").then().statusCode(400);
        given().delete("/v1/voices/" + a).then().statusCode(204);
        given().delete("/v1/voices/" + b).then().statusCode(204);
    }

    @Test
    void silentReferenceIs400() {
        reject(TestAudio.silent(), 400).body("error.message", containsString("silent"));
    }

    @Test
    void threeSecondReferenceIs400() {
        reject(TestAudio.threeSeconds(), 400).body("error.message", containsString("at least 10 s"));
    }

    @Test
    void twentyMinuteReferenceIs400() {
        reject(TestAudio.twentyMinutes(), 400).body("error.message", containsString("longer than the 300 s limit"));
    }

    @Test
    void corruptFileIs400() {
        reject(TestAudio.corrupt(), 400).body("error.code", equalTo("invalid_audio"));
    }

    @Test
    void textFileIs400() {
        reject(TestAudio.text(), 400).body("error.code", equalTo("invalid_audio"));
    }

    @Test
    void sixtyMegabytesIs413WithJsonBody() {
        reject(TestAudio.sixtyMegabytes(), 413)
                .contentType(startsWith("application/json"))
                .body("error.code", equalTo("payload_too_large"))
                .body("error.message", containsString("50 MiB"));
    }

    @Test
    void nameIsRequiredAndBounded() {
        given().multiPart("name", "   ").multiPart("file", TestAudio.jfk().toFile()).post("/v1/voices")
                .then().statusCode(400).body("error.param", equalTo("name"));
        given().multiPart("name", "x".repeat(101)).multiPart("file", TestAudio.jfk().toFile()).post("/v1/voices")
                .then().statusCode(400).body("error.param", equalTo("name"));
        given().multiPart("name", "no file").post("/v1/voices").then().statusCode(400).body("error.param", equalTo("file"));
    }

    @Test
    void pathLikeIdsAreNotFound() {
        for (String id : new String[] {"..%2F..%2Fetc%2Fpasswd", "voice_..", "voice_%2E%2E%2Fdb", "..", "voice_0123456789abcdef01234567%00"}) {
            given().urlEncodingEnabled(false).get("/v1/voices/" + id).then()
                    .statusCode(allOf(greaterThanOrEqualTo(400), not(equalTo(500))))
                    .body(not(containsString("/work"))).body(not(containsString("tts-data")));
            given().urlEncodingEnabled(false).get("/v1/voices/" + id + "/audio").then().statusCode(404);
        }
    }

    private static String create(String name) {
        return given().multiPart("name", name).multiPart("file", TestAudio.jfk().toFile()).post("/v1/voices")
                .then().statusCode(201).extract().path("id");
    }

    private static io.restassured.response.ValidatableResponse reject(Path file, int status) {
        return given().multiPart("name", "bad").multiPart("file", file.toFile(), "audio/wav").post("/v1/voices")
                .then().statusCode(status).body("error.message", notNullValue())
                .body(not(containsString(file.getParent().toString())));
    }
}
