package speech.tts.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import speech.tts.testing.Fixtures;
import speech.tts.testing.PostgresServer;
import speech.tts.testing.SeaweedServer;

/**
 * Two packaged TTS services (target/quarkus-app) sharing one PostgreSQL and one S3 bucket, each with
 * its own data dir: a voice created on one speaks on the other, a delete on one is seen by the other,
 * and a restarted replica finds everything the other wrote meanwhile.
 */
class TwoReplicasIT {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String SPEAK = "{\"text\":\"Ask not what your country can do for you.\",\"voice_id\":\"%s\",\"num_steps\":4,\"sequence_length\":40,\"seed\":7}";

    @Test
    void voicesAndGenerationsAreSharedAcrossReplicas() throws Exception {
        try (PostgresServer postgres = PostgresServer.start(); SeaweedServer seaweed = SeaweedServer.start()) {
            Map<String, String> shared = Map.of(
                    "TTS_STORAGE_DATABASE_URL", postgres.createDatabase("tts"),
                    "TTS_STORAGE_DATABASE_USERNAME", "postgres",
                    "TTS_STORAGE_BLOBS", "s3",
                    "TTS_STORAGE_S3_ENDPOINT", seaweed.endpoint().toString(),
                    "TTS_STORAGE_S3_BUCKET", "tts-replicas",
                    "TTS_STORAGE_S3_ACCESS_KEY", SeaweedServer.ACCESS_KEY,
                    "TTS_STORAGE_S3_SECRET_KEY", SeaweedServer.SECRET_KEY);
            Replica a = Replica.start("a", shared);
            Replica b = Replica.start("b", shared);
            try {
                byte[] reference = Files.readAllBytes(Fixtures.speech("short/en_jfk.wav"));
                String voice = a.createVoice(reference);

                HttpResponse<byte[]> spoken = b.post("/v1/speech", SPEAK.formatted(voice));
                assertEquals(200, spoken.statusCode(), new String(spoken.body(), StandardCharsets.UTF_8));
                assertEquals("RIFF", new String(spoken.body(), 0, 4, StandardCharsets.US_ASCII));
                String generation = spoken.headers().firstValue("X-Generation-Id").orElseThrow();
                assertArrayEquals(spoken.body(), a.get("/v1/generations/" + generation + "/audio").body(), "B's audio served by A");
                assertArrayEquals(reference, b.get("/v1/voices/" + voice + "/audio").body(), "A's reference served by B");

                a.restart();
                String second = b.createVoice(reference);
                assertEquals(200, a.get("/v1/voices/" + second).statusCode(), "restarted A sees B's new voice");
                assertEquals(200, a.get("/v1/generations/" + generation).statusCode(), "and the generation from before");

                assertEquals(204, a.delete("/v1/voices/" + voice).statusCode());
                assertEquals(404, b.get("/v1/voices/" + voice).statusCode(), "B sees A's delete");
                assertEquals(404, b.get("/v1/generations/" + generation).statusCode(), "with the voice's generations");
                assertEquals(404, b.post("/v1/speech", SPEAK.formatted(voice)).statusCode(), "and cannot speak with it");

                b.restart();
                HttpResponse<byte[]> again = b.post("/v1/speech", SPEAK.formatted(second));
                assertEquals(200, again.statusCode(), new String(again.body(), StandardCharsets.UTF_8));
            } finally {
                a.stop();
                b.stop();
            }
        }
    }

    /** One service process; its own port and data dir, the shared storage settings. */
    private static final class Replica {

        private final String name;
        private final Map<String, String> env;
        private final Path log;
        private Process process;
        private String base;

        private Replica(String name, Map<String, String> env, Path log) {
            this.name = name;
            this.env = env;
            this.log = log;
        }

        static Replica start(String name, Map<String, String> shared) throws Exception {
            Map<String, String> env = new HashMap<>(shared);
            env.putAll(Map.of("TTS_MODELS_DIR", System.getProperty("speech.test.models-dir"), "TTS_DEFAULT_MODEL", "echo-tts-tiny",
                    "TTS_DATA_DIR", Files.createTempDirectory("tts-replica-" + name).toString(),
                    "SPEECH_ORT_PROVIDER", "cpu", "QUARKUS_HTTP_HOST", "127.0.0.1"));
            Replica r = new Replica(name, env, Files.createTempFile("tts-replica-" + name, ".log"));
            r.launch();
            return r;
        }

        void launch() throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            base = "http://127.0.0.1:" + port;
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
            process = pb.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (System.nanoTime() < deadline) {
                assertTrue(process.isAlive(), "replica " + name + " exited:\n" + Files.readString(log));
                try {
                    if (get("/q/health/ready").statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
            throw new AssertionError("replica " + name + " not ready:\n" + Files.readString(log));
        }

        void restart() throws Exception {
            stop();
            launch();
        }

        void stop() throws Exception {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }

        String createVoice(byte[] wav) throws Exception {
            String boundary = UUID.randomUUID().toString();
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nJFK " + name + "\r\n--" + boundary
                    + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"jfk.wav\"\r\nContent-Type: audio/wav\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/voices"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                            HttpRequest.BodyPublishers.ofByteArray(wav), HttpRequest.BodyPublishers.ofByteArray(tail)))
                    .timeout(Duration.ofMinutes(3)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), r.body());
            Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"(voice_[0-9a-f]+)\"").matcher(r.body());
            assertTrue(id.find(), r.body());
            return id.group(1);
        }

        HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        }

        HttpResponse<byte[]> delete(String path) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).DELETE().timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        }

        HttpResponse<byte[]> post(String path, String json) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofMinutes(3)).build(), HttpResponse.BodyHandlers.ofByteArray());
        }
    }
}
