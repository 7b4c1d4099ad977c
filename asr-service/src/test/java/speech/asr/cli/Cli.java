package speech.asr.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs bin/transcribe as a user would, against a given service URL. */
final class Cli {

    static final Path BIN = Path.of("..", "bin").toAbsolutePath().normalize();

    record Run(int exit, String out, String err) {
    }

    private Cli() {
    }

    /** A clip from the shared test data ($SPEECH_SHARED_DIR, else the build's speech.shared-dir). */
    static Path clip(String name) {
        String env = System.getenv("SPEECH_SHARED_DIR");
        Path shared = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("speech.shared-dir", "../../shared"));
        return shared.resolve("speech").resolve("short").resolve(name).toAbsolutePath();
    }

    /** The model loads in the background after start: --check rightly says "not ready" until then. */
    static void awaitReady(URL base) throws IOException, InterruptedException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest ready = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base.toString()).resolve("/q/health/ready")).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (http.send(ready, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "service ready within 120 s");
            Thread.sleep(200);
        }
    }

    static Run transcribe(URL base, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BIN.resolve("transcribe").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("SPEECH_API_KEY");
        pb.environment().put("ASR_URL", base.toString());
        pb.environment().putAll(env);
        Path out = Files.createTempFile("cli", ".out");
        Path err = Files.createTempFile("cli", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "transcribe finished in time");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
