package speech.asr.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** One worker, one waiting slot, a 100 ms deadline: makes 429 and 504 reachable in tests. */
public class BusyProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("asr.concurrency", "1", "asr.queue-capacity", "1", "asr.request-timeout", "100ms",
                "asr.retry-after-seconds", "7");
    }
}
