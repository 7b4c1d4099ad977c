package speech.asr.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.TestData;
import speech.asr.service.LoadedModel;
import speech.runtime.engine.EngineStats;
import speech.runtime.model.ModelRegistry;
import speech.runtime.work.InferenceQueue;

/** A client that disconnects mid-transcription cancels it: its lanes leave the engine within a few steps. */
@QuarkusTest
class ClientGoneTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    ModelRegistry<LoadedModel> models;

    @Inject
    InferenceQueue queue;

    @Test
    void disconnectFreesTheEngine() throws Exception {
        for (int i = 0; i < 600 && given().get("/q/health/ready").statusCode() != 200; i++) {
            Thread.sleep(100);
        }
        byte[] audio = Files.readAllBytes(TestData.speech("long/en_concat_ground_truth_long.wav"));
        String boundary = "b0undary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"long.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/audio/transcriptions HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary="
                    + boundary + "\r\nContent-Length: " + (head.length + audio.length + tail.length) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(head);
            out.write(audio);
            out.write(tail);
            out.flush();
            assertTrue(waitFor(() -> decoder().runningLanes() > 0, 120_000), "the transcription should start decoding: " + decoder());
        } // the client goes away
        long closed = System.nanoTime();
        assertTrue(waitFor(() -> decoder().runningLanes() == 0 && decoder().waitingLanes() == 0 && queue.running() == 0, 20_000),
                "after the client left: " + decoder() + ", requests running: " + queue.running());
        System.out.printf("engine free %.1f s after the disconnect%n", (System.nanoTime() - closed) / 1e9);
    }

    private EngineStats decoder() {
        try (ModelRegistry.Lease<LoadedModel> lease = models.acquire(null)) {
            return lease.model().engine().stats().stream().filter(s -> s.name().endsWith("decoder")).findFirst()
                    .orElse(new EngineStats("none", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        }
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }
}
