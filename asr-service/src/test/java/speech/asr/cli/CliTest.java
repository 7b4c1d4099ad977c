package speech.asr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** bin/transcribe against the running service: the happy paths and the documented exit codes. */
@QuarkusTest
class CliTest {

    static final Path BIN = Path.of("..", "bin").toAbsolutePath().normalize();

    @TestHTTPResource("/")
    URL base;

    record Run(int exit, String out, String err) {
    }

    static Path clip(String name) {
        String env = System.getenv("SPEECH_SHARED_DIR");
        Path shared = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("speech.shared-dir", "../../shared"));
        return shared.resolve("speech").resolve("short").resolve(name).toAbsolutePath();
    }

    Run transcribe(Map<String, String> env, String... args) throws IOException, InterruptedException {
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

    Run transcribe(String... args) throws IOException, InterruptedException {
        return transcribe(Map.of(), args);
    }

    @Test
    void checkSaysReadyOrUnreachable() throws Exception {
        Run ok = transcribe("--check");
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("reachable and ready"), ok.out());
        Run down = transcribe(Map.of("ASR_URL", "http://127.0.0.1:9"), "--check");
        assertEquals(2, down.exit());
        assertTrue(down.err().contains("bin/start"), down.err());
    }

    @Test
    void transcribesToStdout() throws Exception {
        Run r = transcribe(clip("en_jfk.wav").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().toLowerCase(Locale.ROOT).contains("ask not what your country can do for you"), r.out());
        assertTrue(r.err().contains("[1/1]"), r.err());
    }

    @Test
    void severalFilesIntoAFolderAsSubtitles() throws Exception {
        Path dir = Files.createTempDirectory("cli");
        Run r = transcribe("--format", "srt", "--out", dir.toString(), clip("en_jfk.wav").toString(), clip("en_jfk_44k_stereo.flac").toString());
        assertEquals(0, r.exit(), r.err());
        for (String name : List.of("en_jfk.srt", "en_jfk_44k_stereo.srt")) {
            String srt = Files.readString(dir.resolve(name));
            assertTrue(srt.startsWith("1\n") && srt.contains(" --> "), name + ": " + srt);
        }
        assertTrue(r.err().contains("[2/2]"), r.err());
    }

    @Test
    void rejectedRequestsExit3WithTheServersMessage() throws Exception {
        Run unknownModel = transcribe("--model", "no-such-model", clip("en_jfk.wav").toString());
        assertEquals(3, unknownModel.exit(), unknownModel.err());
        assertTrue(unknownModel.err().contains("HTTP 4"), unknownModel.err());

        Path notAudio = Files.createTempFile("notes", ".wav");
        Files.writeString(notAudio, "this is a text file, not audio\n".repeat(50));
        Run bad = transcribe(notAudio.toString());
        assertEquals(3, bad.exit(), bad.err());
        assertTrue(bad.err().contains("HTTP 400"), bad.err());

        assertEquals(1, transcribe("--format", "docx", clip("en_jfk.wav").toString()).exit());
    }
}
