package speech.tts.roundtrip;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

/** The ASR service down: nothing listens on its port. */
@QuarkusTest
@TestProfile(AsrDownTest.Profile.class)
class AsrDownTest extends AsrUnavailableTest {

    @Override
    String reason() {
        return "could not be reached";
    }

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int closed;
            try (ServerSocket s = new ServerSocket(0)) {
                closed = s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("tts.asr.url", "http://127.0.0.1:" + closed, "tts.asr.retries", "1", "tts.asr.retry-backoff", "10ms",
                    "tts.data-dir", "target/tts-data-asr-down");
        }
    }
}
