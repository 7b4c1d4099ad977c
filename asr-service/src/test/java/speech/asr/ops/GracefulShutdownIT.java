package speech.asr.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM on the packaged service (target/quarkus-app) while transcriptions are queued and running:
 * readiness goes DOWN first, new requests get 503 + Retry-After after quarkus.shutdown.delay, every
 * accepted request still answers 200, and the process exits normally, not by a native crash (ONNX
 * Runtime's own shutdown hook used to free its environment under the running jobs: SIGSEGV).
 */
class GracefulShutdownIT {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final int IN_FLIGHT = 4;

    @Test
    void inFlightFinishesNewOnesGet503AndTheProcessExitsCleanly() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        Path log = Files.createTempFile("asr-shutdown", ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:ErrorFile=target/hs_err_pid%p.log", "-jar", JAR.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of("QUARKUS_HTTP_PORT", String.valueOf(port), "QUARKUS_HTTP_HOST", "127.0.0.1",
                "ASR_MODELS_DIR", System.getProperty("speech.test.models-dir"), "ASR_DEFAULT_MODEL", "tiny.en",
                "SPEECH_ORT_PROVIDER", "cpu", "SPEECH_QUEUE_CAPACITY", "16", "SPEECH_ADMISSION_MAX_IN_FLIGHT", "24", "QUARKUS_SHUTDOWN_DELAY", "2s",
                // A grace that four clips fit in even on a loaded 2-core CI box: past it the models close under the
                // remaining requests by design (503), which is not what this test is about.
                "QUARKUS_SHUTDOWN_TIMEOUT", "150s"));
        Process service = pb.start();
        try {
            awaitReady(base, service, log);
            Path clip = clip();
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < IN_FLIGHT; i++) {
                inFlight.add(HTTP.sendAsync(transcription(base, clip), HttpResponse.BodyHandlers.ofString()));
            }
            awaitRunning(base, log);

            service.destroy(); // SIGTERM
            long signalled = System.nanoTime();
            assertEquals(503, await(() -> get(base + "/q/health/ready").statusCode(), 503), "readiness DOWN first");
            assertEquals(200, get(base + "/q/health/live").statusCode());
            assertTrue(System.nanoTime() - signalled < TimeUnit.MILLISECONDS.toNanos(1500), "still within the delay");
            assertEquals(200, get(base + "/v1/models").statusCode(), "served during the delay");

            HttpResponse<String> refused = await(() -> get(base + "/v1/models"), r -> r.statusCode() == 503);
            assertTrue(refused.body().contains("\"shutting_down\""), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            assertFalse(inFlight.stream().allMatch(CompletableFuture::isDone), "some requests were still in flight: " + Files.readString(log));

            for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(r.body().toLowerCase().contains("ask not what your country"), r.body());
            }
            assertTrue(service.waitFor(150, TimeUnit.SECONDS), "stopped");
            String output = Files.readString(log);
            int exit = service.exitValue();
            assertTrue(exit == 0 || exit == 143, "exit " + exit + " (134/139 = native crash):\n" + output);
            assertFalse(output.contains("SIGSEGV"), output);
            assertTrue(output.contains("inference queues drained"), output);
        } finally {
            service.destroyForcibly();
        }
    }

    static Path clip() {
        String env = System.getenv("SPEECH_SHARED_DIR");
        Path shared = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("speech.shared-dir"));
        return shared.resolve("speech/short/en_jfk.wav");
    }

    static HttpRequest transcription(String base, Path clip) throws IOException {
        String boundary = UUID.randomUUID().toString();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"jfk.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").getBytes();
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes();
        return HttpRequest.newBuilder(URI.create(base + "/v1/audio/transcriptions")).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofFile(clip), HttpRequest.BodyPublishers.ofByteArray(tail)))
                .build();
    }

    static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void awaitReady(String base, Process service, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertTrue(service.isAlive(), () -> "service exited while starting:\n" + read(log));
            try {
                if (get(base + "/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not ready in 120 s:\n" + read(log));
    }

    /** Waits until the queue gauge shows a running job, so the SIGTERM lands on real work. */
    static void awaitRunning(String base, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String metrics = get(base + "/q/metrics").body();
            if (metrics.lines().anyMatch(l -> l.startsWith("speech_queue_running{") && !l.endsWith(" 0.0"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no transcription started:\n" + read(log));
    }

    static <T> T await(java.util.function.Supplier<T> probe, java.util.function.Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        T last = probe.get();
        while (!done.test(last) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            last = probe.get();
        }
        return last;
    }

    static int await(java.util.function.Supplier<Integer> probe, int expected) throws InterruptedException {
        return await(probe, (Integer v) -> v == expected);
    }

    static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
