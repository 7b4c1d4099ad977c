package speech.tts.api;

import static io.restassured.RestAssured.given;

/** One voice made from the JFK recording, shared by the API tests of a run. */
final class Voices {

    private static String jfk;

    private Voices() {
    }

    static synchronized String jfk() {
        if (jfk == null) {
            jfk = given().multiPart("name", "JFK").multiPart("file", TestAudio.jfk().toFile(), "audio/wav")
                    .when().post("/v1/voices").then().statusCode(201).extract().path("id");
        }
        return jfk;
    }
}
