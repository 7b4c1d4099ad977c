package speech.tts.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import speech.tts.testing.PackagedService;

/**
 * The packaged service started before its model exists (an export still running): {@code /q/health/started}
 * stays DOWN while the load is retried, so a startup probe times it, and the service becomes ready, warmed
 * up, once the export's folder appears; or startup gives up after its attempts while readiness says why.
 */
class ModelStartupIT {

    static final String MODEL = "echo-tts-tiny";
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theLoadIsRetriedUntilTheModelAppearsThenTheServiceStartsWarmedUp() throws Exception {
        Path models = Files.createTempDirectory("tts-late-models");
        try (PackagedService s = PackagedService.launch("late", Map.of("TTS_MODELS_DIR", models.toString(),
                "SPEECH_MODELS_RETRY_INITIAL", "200ms", "SPEECH_MODELS_RETRY_MAX", "500ms", "SPEECH_MODELS_STARTUP_ATTEMPTS", "1000"))) {
            HttpResponse<byte[]> started = awaitListening(s, "/q/health/started");
            assertEquals(503, started.statusCode(), body(started));
            assertEquals("default model " + MODEL + " not found in " + models + " (available: )", data(started).path("reason").asText());
            awaitFailedAttempts(s, 4);
            assertEquals(503, s.get("/q/health/started").statusCode(), "still starting: the model is waited for");
            assertEquals(503, s.get("/q/health/ready").statusCode());
            assertEquals(200, s.get("/q/health/live").statusCode(), "waiting for a model is not a dead process");

            exportLike(Path.of(System.getProperty("speech.test.models-dir"), MODEL), models.resolve(MODEL));

            HttpResponse<byte[]> ready = await(s, "/q/health/ready", 200);
            JsonNode readiness = data(ready);
            assertEquals("model " + MODEL + " loaded", readiness.path("reason").asText());
            String warmUp = readiness.path("warm_up").asText();
            assertTrue(warmUp.matches("speaker_cond, text_cond, [1-9]\\d* DiT call\\(s\\), dac_decode"),
                    "the warm-up ran every graph before ready: " + readiness);
            assertTrue(readiness.path("warm_up_ms").canConvertToLong(), readiness.toString());
            assertEquals(200, s.get("/q/health/started").statusCode());
            HttpResponse<byte[]> speech = s.post("/v1/speech", "{\"text\": \"Ready now.\", \"num_steps\": 2, \"sequence_length\": 8}");
            assertEquals(200, speech.statusCode(), body(speech));
        }
    }

    @Test
    void startupGivesUpAfterItsAttemptsWhileReadinessStaysDownWithTheReason() throws Exception {
        Path models = Files.createTempDirectory("tts-no-models");
        try (PackagedService s = PackagedService.launch("missing", Map.of("TTS_MODELS_DIR", models.toString(),
                "SPEECH_MODELS_RETRY_INITIAL", "200ms", "SPEECH_MODELS_STARTUP_ATTEMPTS", "2"))) {
            awaitListening(s, "/q/health/started");
            HttpResponse<byte[]> started = await(s, "/q/health/started", 200);
            assertEquals("gave up waiting after 2 failed attempts; readiness stays DOWN while the load is retried: default model "
                    + MODEL + " not found in " + models + " (available: )", data(started).path("reason").asText());
            HttpResponse<byte[]> ready = s.get("/q/health/ready");
            assertEquals(503, ready.statusCode());
            assertEquals("default model " + MODEL + " not found in " + models + " (available: )", data(ready).path("reason").asText());
        }
    }

    /** As bin/export-models does: written next to the target, then renamed into place in one step. */
    static void exportLike(Path from, Path to) throws IOException {
        Path partial = to.resolveSibling(to.getFileName() + ".partial");
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(f -> {
                try {
                    Files.copy(f, partial.resolve(from.relativize(f).toString()), StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        Files.move(partial, to, StandardCopyOption.ATOMIC_MOVE);
    }

    static HttpResponse<byte[]> awaitListening(PackagedService s, String path) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertTrue(s.process().isAlive(), s.log());
            try {
                return s.get(path);
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        throw new AssertionError("not listening:\n" + s.log());
    }

    static HttpResponse<byte[]> await(PackagedService s, String path, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        HttpResponse<byte[]> r = s.get(path);
        while (r.statusCode() != status && System.nanoTime() < deadline) {
            assertTrue(s.process().isAlive(), s.log());
            TimeUnit.MILLISECONDS.sleep(200);
            r = s.get(path);
        }
        assertEquals(status, r.statusCode(), body(r) + "\n" + s.log());
        return r;
    }

    /** Each failed load of the default model logs one line. */
    static void awaitFailedAttempts(PackagedService s, int times) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (failedAttempts(s) < times && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
        assertTrue(failedAttempts(s) >= times, s.log());
    }

    static int failedAttempts(PackagedService s) throws IOException {
        return s.log().split("default Echo-TTS model not loaded", -1).length - 1;
    }

    /** The data of the health answer's {@code default-model} check. */
    static JsonNode data(HttpResponse<byte[]> r) throws IOException {
        for (JsonNode check : JSON.readTree(r.body()).path("checks")) {
            if (check.path("name").asText().equals("default-model")) {
                return check.path("data");
            }
        }
        throw new AssertionError("no default-model check: " + body(r));
    }

    static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
