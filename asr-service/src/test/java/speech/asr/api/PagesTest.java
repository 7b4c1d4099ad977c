package speech.asr.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.Pages;

/** The Transcribe page comes from its template on speech-runtime's shared head; its script stays static. */
@QuarkusTest
class PagesTest {

    @Test
    void theTranscribePageIsOnTheSharedHeadWithItsOwnTitle() {
        String html = given().get("/ui/transcribe.html").then().statusCode(200).contentType(startsWith("text/html")).extract().asString();
        Pages.assertOnTheSharedHead(html, "transcribe", "Transcribe · ASR");
        given().get("/ui/transcribe.js").then().statusCode(200).contentType(containsString("javascript"));
        given().get("/ui/").then().statusCode(200).body(containsString("transcribe.html"));
    }
}
