package speech.asr.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.TestData;
import speech.runtime.work.InferenceQueue;

/** A full queue answers 429 with Retry-After; a request over its deadline answers 504. */
@QuarkusTest
@TestProfile(BusyProfile.class)
class BusyTest {

    @Inject
    InferenceQueue queue;

    @Test
    void fullQueueIs429WithRetryAfter() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            // One job runs and one waits: the queue (concurrency 1, capacity 1) is full.
            for (int i = 0; i < 2; i++) {
                clients.submit(() -> queue.submit(() -> release.await(5, java.util.concurrent.TimeUnit.MINUTES), Duration.ofMinutes(1)));
            }
            for (int i = 0; i < 600 && (queue.running() < 1 || queue.depth() < 1); i++) {
                Thread.sleep(10);
            }
            given().multiPart("file", TestData.speech("short/en_jfk.wav").toFile())
                    .when().post("/v1/audio/transcriptions")
                    .then().statusCode(429).header("Retry-After", "7")
                    .body("error.code", equalTo("queue_full")).body("error.type", equalTo("server_busy_error"));
        } finally {
            release.countDown();
            clients.shutdown();
        }
    }

    @Test
    void requestOverItsDeadlineIs504() {
        given().multiPart("file", TestData.speech("long/en_concat_ground_truth_long.wav").toFile())
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(504).body("error.code", equalTo("timeout")).body("error.message", containsString("cancelled"));
    }
}
