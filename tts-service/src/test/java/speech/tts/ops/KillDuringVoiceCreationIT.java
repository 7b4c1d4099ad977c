package speech.tts.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.Multipart;
import speech.runtime.testing.TestData;
import speech.tts.testing.PackagedService;

/**
 * kill -9 of the packaged TTS service in the middle of POST /v1/voices, at two moments (while the reference is
 * being encoded, and just after the upload went out), each followed by a restart: the service starts and gets
 * ready, the voice stored before is intact (same reference bytes, speaks), every listed voice is complete (its
 * reference and latent are there), the killed upload's voice is complete or absent, no stray file is left in the
 * voice folder and the killed request's spooled upload is swept at startup.
 */
class KillDuringVoiceCreationIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SPEAK = "{\"text\":\"Ask not.\",\"voice_id\":\"%s\",\"num_steps\":2,\"sequence_length\":16,\"seed\":1}";

    @Test
    void aKilledVoiceUploadLeavesNothingHalfAndLosesNothing() throws Exception {
        Path uploads = Files.createTempDirectory("tts-kill-uploads");
        byte[] reference = Files.readAllBytes(TestData.speech("short/en_jfk.wav"));
        try (PackagedService tts = PackagedService.ready("kill", Map.of("SPEECH_UPLOAD_DIR", uploads.toString(),
                "SPEECH_UPLOAD_ORPHAN_MIN_AGE", "0s"))) {
            String kept = tts.createVoice(reference);
            for (String moment : List.of("encoding", "uploaded")) {
                CompletableFuture<HttpResponse<String>> victim = HttpClient.newHttpClient().sendAsync(new Multipart().field("name", "victim-" + moment)
                        .file("file", "jfk.wav", "audio/wav", reference).post(tts.url() + "/v1/voices").timeout(Duration.ofMinutes(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (moment.equals("encoding")) {
                    awaitEncoding(tts);
                    assertEquals(1, files(uploads).size(), "the upload is spooled to speech.upload.dir while its request runs");
                } else {
                    Thread.sleep(150);
                }
                tts.kill();
                HttpResponse<String> answered = victim.handle((r, e) -> r).get(30, TimeUnit.SECONDS);
                if (moment.equals("encoding")) {
                    assertTrue(answered == null, "the kill landed before the voice was answered: " + answered);
                }

                tts.restart();
                String log = tts.log();
                assertFalse(log.contains("SIGSEGV"), log);
                assertArrayEquals(reference, tts.get("/v1/voices/" + kept + "/audio").body(), "the voice stored before is intact");
                assertEquals(200, tts.post("/v1/speech", SPEAK.formatted(kept)).statusCode(), "and speaks");
                List<String> listed = listedVoices(tts);
                assertTrue(listed.contains(kept), listed.toString());
                for (String id : listed) {
                    assertEquals(200, tts.get("/v1/voices/" + id).statusCode(), id);
                    assertArrayEquals(reference, tts.get("/v1/voices/" + id + "/audio").body(), "listed voice " + id + " is complete");
                }
                assertEquals(2 * listed.size(), files(tts.dataDir().resolve("voices")).size(),
                        "only complete voices' reference and latent files remain: " + files(tts.dataDir().resolve("voices")));
                assertEquals(List.of(), files(uploads), "the killed request's spooled upload was swept at startup");
            }
        }
    }

    /**
     * SIGTERM while a voice is being created, then a voice upload every 250 ms until the process is gone: each, the
     * one in flight included, gets 201 (stored in time) or 503 shutting_down JSON with Retry-After (refused, or its
     * work cut off by the shutdown past the grace period on a slow machine), never a 500.
     */
    @Test
    void voiceUploadsDuringAGracefulShutdownGet201Or503() throws Exception {
        byte[] reference = Files.readAllBytes(TestData.speech("short/en_jfk.wav"));
        try (PackagedService tts = PackagedService.ready("stopping", Map.of("QUARKUS_SHUTDOWN_DELAY", "2s"))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Multipart form = new Multipart().field("name", "during-shutdown").file("file", "jfk.wav", "audio/wav", reference);
            CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(form.post(tts.url() + "/v1/voices").build(),
                    HttpResponse.BodyHandlers.ofString());
            awaitEncoding(tts);
            tts.process().destroy();
            // One more upload every 250 ms until the process is gone: some land in the delay, the rest after it.
            List<CompletableFuture<HttpResponse<String>>> later = new ArrayList<>();
            while (tts.process().isAlive() && later.size() < 200) {
                later.add(http.sendAsync(form.post(tts.url() + "/v1/voices").timeout(Duration.ofMinutes(2)).build(),
                        HttpResponse.BodyHandlers.ofString()));
                Thread.sleep(250);
            }
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> f : later) {
                HttpResponse<String> r = f.handle((answer, closed) -> answer).get(2, TimeUnit.MINUTES);
                if (r != null) { // null: sent as the process exited
                    statuses.add(r.statusCode());
                    assertStoredOrShuttingDown(r);
                }
            }
            // (no answer at all only when the process exited first, its grace period long over)
            HttpResponse<String> first = inFlight.handle((r, e) -> r).get(2, TimeUnit.MINUTES);
            if (first != null) {
                assertStoredOrShuttingDown(first);
            }
            assertTrue(statuses.contains(503), "uploads after the delay were refused: " + statuses);
            assertTrue(tts.process().waitFor(60, TimeUnit.SECONDS), "stopped");
        }
    }

    static void assertStoredOrShuttingDown(HttpResponse<String> r) {
        if (r.statusCode() != 201) {
            speech.runtime.testing.ErrorAnswers.assertJsonError(r, 503);
            assertTrue(r.body().contains("\"shutting_down\""), r.body());
            assertTrue(r.headers().firstValue("Retry-After").isPresent(), r.headers().toString());
        }
    }

    /** Waits until the reference encoding runs on the queue (speech_queue_running > 0), so the kill lands inside it. */
    static void awaitEncoding(PackagedService tts) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String metrics = new String(tts.get("/q/metrics").body(), StandardCharsets.UTF_8);
            if (metrics.lines().anyMatch(l -> l.startsWith("speech_queue_running{") && !l.endsWith(" 0.0"))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the voice's reference encoding never started:\n" + tts.log());
    }

    static List<String> listedVoices(PackagedService tts) throws Exception {
        JsonNode page = JSON.readTree(tts.get("/v1/voices?limit=100").body());
        List<String> ids = new ArrayList<>();
        page.path("data").forEach(v -> ids.add(v.path("id").asText()));
        assertEquals(ids.size(), page.path("total").asInt(), page.toString());
        return ids;
    }

    static List<Path> files(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
