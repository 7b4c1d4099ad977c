package speech.asr.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.matchesPattern;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.Http;

/** A model exported before word timestamps still serves; asking it for words is a 400 that says why. */
@QuarkusTest
@TestProfile(OldExportProfile.class)
class OldExportTest {

    @BeforeEach
    void waitUntilReady() throws InterruptedException {
        Http.awaitReady(() -> given().get("/q/health/ready").statusCode());
    }

    @Test
    void wordsAre400NamingTheMissingAlignmentGraph() {
        given().multiPart("file", TranscriptionResourceTest.JFK).multiPart("response_format", "verbose_json")
                .multiPart("timestamp_granularities[]", "word")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(400).body("error.param", equalTo("timestamp_granularities[]"))
                .body("error.message", containsString("without the alignment graph"));
    }

    @Test
    void segmentsAndSubtitlesStillWork() {
        given().multiPart("file", TranscriptionResourceTest.JFK).multiPart("response_format", "verbose_json")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(200).body("segments.size()", greaterThan(0));
        given().multiPart("file", TranscriptionResourceTest.JFK).multiPart("response_format", "srt")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(200).body(matchesPattern("(?s)1\\n00:00:0\\d,\\d{3} --> 00:00:0\\d,\\d{3}\\n.*fellow.*"));
    }
}
