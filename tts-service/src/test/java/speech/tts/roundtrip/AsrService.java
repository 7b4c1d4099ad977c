package speech.tts.roundtrip;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;
import speech.tts.testing.PackagedService;

/** The packaged ASR service (Whisper tiny.en) next to the TTS service under test, which scores its generations with it. */
public class AsrService implements QuarkusTestResourceLifecycleManager {

    private PackagedService asr;

    @Override
    public Map<String, String> start() {
        try {
            asr = PackagedService.asr("round-trip");
        } catch (Exception e) {
            throw new IllegalStateException("the ASR service for the round trip did not start: " + e.getMessage(), e);
        }
        return Map.of("tts.asr.url", asr.url(), "tts.asr.model", "tiny.en");
    }

    @Override
    public void stop() {
        try {
            if (asr != null) {
                asr.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The TTS service with the ASR service configured. */
    public static class Running implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(AsrService.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tts.data-dir", "target/tts-data-round-trip");
        }
    }
}
