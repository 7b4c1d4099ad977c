package speech.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import org.junit.jupiter.api.Test;

/** ORT's own JVM shutdown hook (which frees the environment on SIGTERM) can be found and removed. */
class OrtEnvironmentLifetimeTest {

    @Test
    void ortShutdownHookIsRemovedAndStaysRemoved() throws Exception {
        OrtEnvironment.getEnvironment();
        int first = OrtEnvironmentLifetime.removeOrtShutdownHooks();
        assertTrue(first <= 1, "at most the one hook ORT registers (0 if a Quarkus test already removed it)");
        assertEquals(0, OrtEnvironmentLifetime.removeOrtShutdownHooks());
    }
}
