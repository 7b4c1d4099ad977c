package speech.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import speech.runtime.ort.binding.TestGraphs;

/**
 * Provider choice on the build the tests run with (the CPU artifact, no CUDA provider): {@code cuda}
 * refuses to open a session and says why, {@code auto} falls back to CPU and says why, a typo is refused.
 */
class OrtProviderTest {

    @TempDir
    Path dir;

    @Test
    void cudaWithoutCudaOpensNothingAndSaysWhy() {
        assertTrue(!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "these tests run on the CPU artifact");
        OrtSessions sessions = new OrtSessions(new OrtSettings("cuda", 0, 1, 1));
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> sessions.open(TestGraphs.appendRow(dir, 2, 2), TestGraphs.APPEND_ROW));
        assertTrue(e.getMessage().contains("speech.ort.provider=cuda") && e.getMessage().contains("no CUDA provider"), e.getMessage());
        assertEquals(e.getMessage(), "speech.ort.provider=cuda but CUDA cannot be used: " + sessions.fallbackReason().orElseThrow());
    }

    @Test
    void autoWithoutCudaFallsBackToCpuAndSaysWhy() throws Exception {
        OrtSessions sessions = new OrtSessions(new OrtSettings("auto", 0, 1, 1));
        try (Graph graph = sessions.open(TestGraphs.appendRow(dir, 2, 2), TestGraphs.APPEND_ROW)) {
            assertEquals("CPUExecutionProvider", sessions.providerInUse());
            assertTrue(sessions.fallbackReason().orElseThrow().contains("no CUDA provider"));
        }
    }

    @Test
    void unknownProviderIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OrtSettings("gpu", 0, 0, 0));
        assertTrue(e.getMessage().contains("'gpu'") && e.getMessage().contains("auto, cuda or cpu"), e.getMessage());
    }

    @Test
    void theCudaArenaGrowsByRequestAndIsBoundedWhenAsked() {
        assertEquals(java.util.Map.of("device_id", "1", "arena_extend_strategy", "kSameAsRequested"),
                new OrtSettings("cuda", 1, 0, 0).cudaOptions());
        assertEquals(java.util.Map.of("device_id", "0", "arena_extend_strategy", "kSameAsRequested", "gpu_mem_limit", "8589934592"),
                new OrtSettings("auto", 0, 0, 0, 8L << 30).cudaOptions());
        assertThrows(IllegalArgumentException.class, () -> new OrtSettings("cuda", 0, 0, 0, -1));
    }

    @Test
    void theGpuNameIsAskedForTheDeviceThisProcessSees() {
        assertEquals("0", OrtSessions.smiDevice(null, 0));
        assertEquals("1", OrtSessions.smiDevice("", 1));
        assertEquals("3", OrtSessions.smiDevice("3", 0), "ASR_GPU=3: CUDA's device 0 is the machine's GPU 3");
        assertEquals("GPU-5f3c", OrtSessions.smiDevice("2, GPU-5f3c", 1));
    }
}
