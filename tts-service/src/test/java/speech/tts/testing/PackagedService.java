package speech.tts.testing;

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

/**
 * The packaged TTS service (target/quarkus-app) as a process of its own, for *IT tests: its own port and
 * data dir, the tiny model on CPU unless the environment given says otherwise; restartable. {@link #asr}
 * starts the packaged ASR service the same way, for the round trip.
 */
public final class PackagedService implements AutoCloseable {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    static final Path ASR_JAR = Path.of("..", "asr-service", "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().normalize();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path jar;
    private final String name;
    private final Map<String, String> env;
    private final Path log;
    private Process process;
    private String base;

    private PackagedService(Path jar, String name, Map<String, String> env, Path log) {
        this.jar = jar;
        this.name = name;
        this.env = env;
        this.log = log;
    }

    /** Starts the service without waiting for it; {@code extra} overrides the defaults. */
    public static PackagedService launch(String name, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("TTS_MODELS_DIR", System.getProperty("speech.test.models-dir"),
                "TTS_DEFAULT_MODEL", "echo-tts-tiny", "TTS_DATA_DIR", Files.createTempDirectory("tts-" + name).toString(),
                "SPEECH_ORT_PROVIDER", "cpu", "QUARKUS_HTTP_HOST", "127.0.0.1"));
        env.putAll(extra);
        PackagedService s = new PackagedService(JAR, name, env, Files.createTempFile("tts-" + name, ".log"));
        s.launch();
        return s;
    }

    /** The packaged ASR service on Whisper tiny.en from the test models, ready; fails when asr-service is not packaged. */
    public static PackagedService asr(String name) throws Exception {
        if (!Files.isRegularFile(ASR_JAR)) {
            throw new IllegalStateException(ASR_JAR + " is missing: package asr-service first (./mvnw -B verify builds it before this module)");
        }
        PackagedService s = new PackagedService(ASR_JAR, name, Map.of("ASR_MODELS_DIR", System.getProperty("speech.test.models-dir"),
                "ASR_DEFAULT_MODEL", "tiny.en", "SPEECH_ORT_PROVIDER", "cpu", "QUARKUS_HTTP_HOST", "127.0.0.1"),
                Files.createTempFile("asr-" + name, ".log"));
        s.launch();
        s.awaitReady();
        return s;
    }

    /** http://127.0.0.1:port */
    public String url() {
        return base;
    }

    /** Starts the service and waits until it is ready. */
    public static PackagedService ready(String name, Map<String, String> extra) throws Exception {
        PackagedService s = launch(name, extra);
        s.awaitReady();
        return s;
    }

    private void launch() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        process = pb.start();
    }

    public void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("service " + name + " exited:\n" + log());
            }
            try {
                if (get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new AssertionError("service " + name + " not ready:\n" + log());
    }

    public void restart() throws Exception {
        close();
        launch();
        awaitReady();
    }

    public Process process() {
        return process;
    }

    /** The service's tts.data-dir. */
    public Path dataDir() {
        return Path.of(env.get("TTS_DATA_DIR"));
    }

    /** SIGKILL: no shutdown hook, no finally block, no database close. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** POST /v1/voices with a reference recording; the new voice's id. */
    public String createVoice(byte[] wav) throws Exception {
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
        if (r.statusCode() != 201) {
            throw new AssertionError("voice upload on " + name + ": " + r.statusCode() + " " + r.body());
        }
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"(voice_[0-9a-f]+)\"").matcher(r.body());
        if (!id.find()) {
            throw new AssertionError(r.body());
        }
        return id.group(1);
    }

    public HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<byte[]> delete(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).DELETE().timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<byte[]> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofMinutes(3)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
