package speech.tts.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.Http;

@QuarkusTest
class OperabilityTest {

    @Test
    void readyOnceTheGraphsLoad() throws InterruptedException {
        Http.awaitReady(() -> given().get("/q/health/ready").statusCode());
        given().get("/q/health/ready").then().body("checks.find { it.name == 'default-model' }.data.reason",
                containsString("echo-tts-tiny loaded"))
                // Warmed up before it was ready: every graph ran once.
                .body("checks.find { it.name == 'default-model' }.data.warm_up", matchesPattern(
                        "speaker_cond, text_cond, [1-9]\\d* DiT call\\(s\\), dac_decode"))
                .body("checks.find { it.name == 'default-model' }.data.warm_up_ms", notNullValue());
        given().get("/q/health/started").then().statusCode(200)
                .body("checks.find { it.name == 'default-model' }.data.reason", equalTo("model echo-tts-tiny loaded"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void infoNamesBuildModelAndProvider() {
        given().contentType(ContentType.JSON).body(Map.of("text", "Warm up.", "num_steps", 2, "sequence_length", 8)).post("/v1/speech")
                .then().statusCode(200);
        given().get("/v1/info").then().statusCode(200)
                .body("version", notNullValue()).body("git_commit", notNullValue()).body("build_time", notNullValue())
                .body("model.id", equalTo("echo-tts-tiny")).body("model.manifest_sha256", org.hamcrest.Matchers.matchesPattern("[0-9a-f]{64}"))
                .body("execution_provider", equalTo("CPUExecutionProvider"))
                .body("provider_fallback_reason", notNullValue());
    }

    @Test
    void openApiSwaggerAndMetrics() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("/v1/speech")).body(containsString("/v1/voices"));
        given().get("/q/swagger-ui/").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("text", "Metrics.", "num_steps", 2, "sequence_length", 8)).post("/v1/speech")
                .then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("tts_generation_rtf")).body(containsString("tts_dit_steps_per_second"))
                .body(containsString("speech_queue_depth"));
    }

    @Test
    void unknownEndpointIsJson404() {
        given().get("/v1/nope").then().statusCode(404).body("error.code", equalTo("not_found"));
    }
}
