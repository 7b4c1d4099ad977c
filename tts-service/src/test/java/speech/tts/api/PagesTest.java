package speech.tts.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.Pages;

/** The Voices, Speak and History pages come from their templates on speech-runtime's shared head; their scripts stay static. */
@QuarkusTest
class PagesTest {

    @Test
    void eachPageIsOnTheSharedHeadWithItsOwnTitle() {
        String[][] pages = {{"voices", "Voices · TTS"}, {"speak", "Speak · TTS"}, {"history", "History · TTS"}};
        for (String[] p : pages) {
            String html = given().get("/ui/" + p[0] + ".html").then().statusCode(200).contentType(startsWith("text/html"))
                    .extract().asString();
            Pages.assertOnTheSharedHead(html, p[0], p[1]);
            for (String[] other : pages) {
                assertContains(html, "<a href=\"" + other[0] + ".html\"");
            }
            given().get("/ui/" + p[0] + ".js").then().statusCode(200).contentType(containsString("javascript"));
        }
        given().get("/ui/common/app.css").then().statusCode(200);
        given().get("/ui/").then().statusCode(200).body(containsString("speak.html"));
        given().get("/ui/nope.html").then().statusCode(404).body("error.code", equalTo("not_found"));
    }

    private static void assertContains(String html, String part) {
        org.junit.jupiter.api.Assertions.assertTrue(html.contains(part), part + " in " + html);
    }
}
