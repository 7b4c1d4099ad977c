package speech.asr.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** A 4-s audio limit: the shared clips fall on both sides of it, on both decode paths. */
public class WavFastPathProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("asr.max-audio-duration", "4s");
    }
}
