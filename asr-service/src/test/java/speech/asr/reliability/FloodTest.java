package speech.asr.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.TestData;

/**
 * Reliability / overload: 16 clients posting without back-off (loopback, 30 s) get only 200 and 429,
 * none waits past the request timeout, and the service still completes at least 70 % of what one
 * client gets through alone: a refused request is answered from its headers, not after its upload.
 */
@QuarkusTest
class FloodTest {

    private static final String BOUNDARY = "flood-boundary";
    private static final Duration WINDOW = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final int CLIENTS = 16;

    @Test
    void floodGetsOnly200And429AndKeepsThroughput() throws Exception {
        byte[] body = multipart();
        awaitReady();
        assertEquals(200, post(body), "warm-up: the model is loaded and its first call done");
        Result alone = run(1, body);
        Result flood = run(CLIENTS, body);
        String report = "alone " + alone + ", flood " + flood;
        org.jboss.logging.Logger.getLogger(FloodTest.class).info(report);
        assertTrue(alone.statuses().keySet().equals(java.util.Set.of(200)), report);
        assertTrue(flood.statuses().keySet().stream().allMatch(s -> s == 200 || s == 429), "only 200 and 429: " + report);
        assertEquals(0, flood.failures(), "no request failed or timed out: " + report);
        assertTrue(flood.slowestMillis() < REQUEST_TIMEOUT.toMillis(), report);
        assertTrue(flood.ok() >= 0.7 * alone.ok(), "flood throughput at least 70 % of one client's: " + report);
    }

    /** @param ok transcriptions finished inside the window (ones admitted earlier and finished after it do not count) */
    private static void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (RestAssured.given().get("/q/health/ready").statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "ready within 120 s");
            Thread.sleep(100);
        }
    }

    private record Result(Map<Integer, Integer> statuses, int ok, int failures, long slowestMillis) {
    }

    private static Result run(int clients, byte[] body) throws InterruptedException {
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger okInWindow = new AtomicInteger();
        AtomicLong slowest = new AtomicLong();
        long deadline = System.nanoTime() + WINDOW.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofPlatform().name("flood-" + i).start(() -> {
                while (System.nanoTime() < deadline) {
                    long start = System.nanoTime();
                    try {
                        int status = post(body);
                        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        if (status == 200 && System.nanoTime() < deadline) {
                            okInWindow.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    } catch (InterruptedException e) {
                        return;
                    }
                    slowest.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(WINDOW.plus(REQUEST_TIMEOUT).toMillis());
        }
        Map<Integer, Integer> counts = new TreeMap<>();
        statuses.forEach((s, n) -> counts.put(s, n.get()));
        return new Result(counts, okInWindow.get(), failures.get(), slowest.get());
    }

    private static final ThreadLocal<HttpClient> CLIENT = ThreadLocal.withInitial(() -> HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());

    private static int post(byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/v1/audio/transcriptions"))
                .timeout(REQUEST_TIMEOUT).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return CLIENT.get().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static byte[] multipart() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"response_format\"\r\n\r\ntext\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"jfk.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(TestData.speech("short/en_jfk.wav")));
        body.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }
}
