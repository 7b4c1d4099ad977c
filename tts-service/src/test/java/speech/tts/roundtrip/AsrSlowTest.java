package speech.tts.roundtrip;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;

/** The ASR service slow: it accepts the connection and never answers, so every call times out. */
@QuarkusTest
@TestProfile(AsrSlowTest.Profile.class)
class AsrSlowTest extends AsrUnavailableTest {

    @Override
    String reason() {
        return "did not answer within 1000 ms";
    }

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Silent.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tts.asr.timeout", "1s", "tts.asr.retries", "0", "tts.data-dir", "target/tts-data-asr-slow");
        }
    }
}
