package speech.tts.ops;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import speech.tts.testing.PackagedService;

/**
 * The packaged service on the CPU-only ONNX Runtime the tests use: {@code cuda} keeps it not ready with
 * the reason (never a silent CPU fallback), and a provider typo stops the start.
 */
class ProviderIT {

    @Test
    void cudaWithoutCudaIsNotReadyAndSaysWhy() throws Exception {
        try (PackagedService s = PackagedService.launch("cuda", Map.of("SPEECH_ORT_PROVIDER", "cuda"))) {
            String ready = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (!ready.contains("CUDA cannot be used") && System.nanoTime() < deadline) {
                assertTrue(s.process().isAlive(), s.log());
                try {
                    HttpResponse<byte[]> r = s.get("/q/health/ready");
                    assertNotEquals(200, r.statusCode(), "never ready on CPU");
                    ready = new String(r.body(), StandardCharsets.UTF_8);
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
            assertTrue(ready.contains("speech.ort.provider=cuda but CUDA cannot be used") && ready.contains("no CUDA provider"), ready);
            String info = new String(s.get("/v1/info").body(), StandardCharsets.UTF_8);
            assertTrue(info.contains("no CUDA provider") && !info.contains("CPUExecutionProvider"), info);
        }
    }

    @Test
    void anUnknownProviderStopsTheStart() throws Exception {
        try (PackagedService s = PackagedService.launch("typo", Map.of("SPEECH_ORT_PROVIDER", "gpu"))) {
            assertTrue(s.process().waitFor(120, TimeUnit.SECONDS), "the start is refused, not served on CPU");
            assertNotEquals(0, s.process().exitValue());
            String log = s.log();
            assertTrue(log.contains("speech.ort.provider") && log.contains("gpu"), log);
        }
    }
}
