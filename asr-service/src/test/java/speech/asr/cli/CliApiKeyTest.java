package speech.asr.cli;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real service with {@code speech.api-key} set: /v1 needs the key, probes and docs stay open, the CLI sends it. */
@QuarkusTest
@TestProfile(CliApiKeyTest.WithKey.class)
class CliApiKeyTest {

    static final String KEY = "cli-test-key";

    public static class WithKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("speech.api-key", KEY);
        }
    }

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void ready() throws Exception {
        Cli.awaitReady(base);
    }

    @Test
    void theApiNeedsTheKeyProbesAndDocsDoNot() {
        given().get("/v1/models").then().statusCode(401).body("error.code", equalTo("missing_api_key"));
        given().header("Authorization", "Bearer " + KEY).get("/v1/models").then().statusCode(200);
        for (String open : new String[] {"/q/health/ready", "/q/health/live", "/q/health/started", "/q/metrics", "/q/openapi", "/q/swagger-ui/"}) {
            given().get(open).then().statusCode(200);
        }
    }

    @Test
    void theCliSaysToSetTheKeyAndSendsIt() throws Exception {
        Cli.Run without = Cli.transcribe(base, Map.of(), Cli.clip("en_jfk.wav").toString());
        assertEquals(3, without.exit(), without.err());
        assertTrue(without.err().contains("export SPEECH_API_KEY"), without.err());
        Cli.Run check = Cli.transcribe(base, Map.of(), "--check");
        assertEquals(3, check.exit());
        assertTrue(check.err().contains("API key is missing"), check.err());
        Cli.Run with = Cli.transcribe(base, Map.of("SPEECH_API_KEY", KEY), Cli.clip("en_jfk.wav").toString());
        assertEquals(0, with.exit(), with.err());
        assertTrue(with.out().toLowerCase().contains("ask not what your country"), with.out());
    }
}
