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
import speech.runtime.testing.Http;
import speech.runtime.testing.TestData;

/** Runs bin/transcribe as a user would, against a given service URL. */
final class Cli {

    static final Path BIN = Path.of("..", "bin").toAbsolutePath().normalize();

    record Run(int exit, String out, String err) {
    }

    private Cli() {
    }

    /** A clip from the shared test data ($SPEECH_SHARED_DIR, else the build's speech.shared-dir). */
    static Path clip(String name) {
        return TestData.speech("short/" + name);
    }

    /** The model loads in the background after start: --check rightly says "not ready" until then. */
    static void awaitReady(URL base) {
        Http.awaitReady(java.net.URI.create(base.toString()));
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
