package speech.conformance;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One packaged service (its target/quarkus-app jar) on a free port, started once and stopped gracefully. */
final class PackagedService implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String name;
    final String url;
    final Path log;
    private final Process process;

    private PackagedService(String name, String url, Path log, Process process) {
        this.name = name;
        this.url = url;
        this.log = log;
        this.process = process;
    }

    static PackagedService start(String module, Map<String, String> env) throws IOException, InterruptedException {
        return start(module, freePort(), env);
    }

    /** On a given port, so that two services can be told each other's URL before either starts. */
    static PackagedService start(String module, int port, Map<String, String> env) throws IOException, InterruptedException {
        Path jar = Path.of("..", module, "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package " + module + " first (./mvnw -B verify builds it)");
        }
        Path log = Path.of("target", module + "-" + port + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().putAll(Map.of("QUARKUS_HTTP_PORT", String.valueOf(port), "QUARKUS_HTTP_HOST", "127.0.0.1",
                "SPEECH_ORT_PROVIDER", "cpu"));
        PackagedService service = new PackagedService(module, "http://127.0.0.1:" + port, log, pb.start());
        try {
            service.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            service.close(); // a service that never got ready is no one's to stop later
            throw e;
        }
        return service;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready after 5 minutes:\n" + Files.readString(log));
    }

    String get(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + pathAndQuery + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
