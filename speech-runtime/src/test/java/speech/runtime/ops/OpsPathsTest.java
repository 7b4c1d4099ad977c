package speech.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OpsPathsTest {

    @Test
    void onlyV1IsTheApi() {
        assertTrue(OpsPaths.isApi("/v1/audio/transcriptions"));
        assertTrue(OpsPaths.isApi("v1/voices"));
        assertTrue(OpsPaths.isApi("//v1/models"));
        assertTrue(OpsPaths.isApi("/v1"));
        assertFalse(OpsPaths.isApi("/v10/x"));
        assertFalse(OpsPaths.isApi("/q/health/ready"));
        assertFalse(OpsPaths.isApi("/q/metrics"));
        assertFalse(OpsPaths.isApi("/q/swagger-ui"));
        assertFalse(OpsPaths.isApi("/q/openapi"));
        assertFalse(OpsPaths.isApi("/"));
        assertFalse(OpsPaths.isApi(null));
    }
}
