package speech.asr.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.common.http.TestHTTPResource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.TestData;

/**
 * Many clients at once over loopback, for a bounded time: every answer is 200 or 429 with
 * Retry-After, and batching keeps the completed transcriptions per second at least 70 % of what one
 * client alone gets. {@code -Dasr.flood.seconds} sets each phase's length (the run: 60).
 */
@QuarkusTest
class FloodTest {

    static final String BOUNDARY = "fl00d";
    static final byte[] BODY = body();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/")
    URI url;
    static final int CLIENTS = 16;
    static final long PHASE_NANOS = Long.getLong("asr.flood.seconds", 20) * 1_000_000_000L;

    record Outcome(int status, String retryAfter) {
    }

    record Phase(int ok, double seconds, Map<Integer, Integer> statuses, List<Outcome> refused) {
        double rate() {
            return ok / seconds;
        }
    }

    private static byte[] body() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"response_format\"\r\n\r\ntext\r\n--" + BOUNDARY
                    + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"en_jfk.wav\"\r\nContent-Type: audio/wav\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(Files.readAllBytes(TestData.speech("short/en_jfk.wav")));
            out.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void waitUntilReady() throws InterruptedException {
        for (int i = 0; i < 600 && given().get("/q/health/ready").statusCode() != 200; i++) {
            Thread.sleep(100);
        }
    }

    @Test
    void sixteenClientsGetOnly200Or429AndKeepTheThroughput() throws Exception {
        run(1, 3_000_000_000L); // warm-up: the engine and its buffers are made on the first request
        Phase alone = run(1, PHASE_NANOS);
        Phase flood = run(CLIENTS, PHASE_NANOS);
        System.out.printf("one client: %d in %.1f s (%.2f/s); %d clients: %s in %.1f s (%.2f/s)%n",
                alone.ok(), alone.seconds(), alone.rate(), CLIENTS, flood.statuses(), flood.seconds(), flood.rate());

        assertEquals(Map.of(200, alone.ok()), alone.statuses());
        assertTrue(flood.statuses().keySet().stream().allMatch(s -> s == 200 || s == 429), "statuses: " + flood.statuses());
        assertTrue(flood.refused().stream().allMatch(o -> o.retryAfter() != null && Integer.parseInt(o.retryAfter()) > 0),
                "every 429 has Retry-After: " + flood.refused());
        assertTrue(flood.rate() >= 0.7 * alone.rate(), String.format("%d clients completed %.2f/s, one client %.2f/s",
                CLIENTS, flood.rate(), alone.rate()));
    }

    /** {@code clients} loop sending the clip until {@code nanos} passed; requests started in time are waited for. */
    private Phase run(int clients, long nanos) throws Exception {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<Outcome>>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    List<Outcome> outcomes = new ArrayList<>();
                    while (System.nanoTime() - start < nanos) {
                        // Not rest-assured: its 30 s read timeout is shorter than a queued request's wait on a busy CI box.
                        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url.resolve("/v1/audio/transcriptions"))
                                .timeout(Duration.ofMinutes(5)).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build(), HttpResponse.BodyHandlers.ofString());
                        outcomes.add(new Outcome(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null)));
                        if (r.statusCode() == 429) {
                            Thread.sleep(200); // a polite client waits a little (not the full Retry-After, to keep pressure on)
                        }
                    }
                    return outcomes;
                }));
            }
            Map<Integer, Integer> statuses = new TreeMap<>();
            List<Outcome> refused = new ArrayList<>();
            for (Future<List<Outcome>> f : futures) {
                for (Outcome o : f.get()) {
                    statuses.merge(o.status(), 1, Integer::sum);
                    if (o.status() == 429) {
                        refused.add(o);
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Phase(statuses.getOrDefault(200, 0), seconds, statuses, refused);
        } finally {
            pool.shutdownNow();
        }
    }
}
