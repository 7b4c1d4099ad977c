package speech.asr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** bin/transcribe against the running service: the happy paths and the documented exit codes. */
@QuarkusTest
class CliTest {

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void ready() throws Exception {
        Cli.awaitReady(base);
    }

    Cli.Run transcribe(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return Cli.transcribe(base, env, args);
    }

    Cli.Run transcribe(String... args) throws IOException, InterruptedException {
        return Cli.transcribe(base, Map.of(), args);
    }

    static Path clip(String name) {
        return Cli.clip(name);
    }

    @Test
    void checkSaysReadyOrUnreachable() throws Exception {
        Cli.Run ok = transcribe("--check");
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("reachable and ready"), ok.out());
        Cli.Run down = transcribe(Map.of("ASR_URL", "http://127.0.0.1:9"), "--check");
        assertEquals(2, down.exit());
        assertTrue(down.err().contains("bin/start"), down.err());
    }

    @Test
    void transcribesToStdout() throws Exception {
        Cli.Run r = transcribe(clip("en_jfk.wav").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().toLowerCase(Locale.ROOT).contains("ask not what your country can do for you"), r.out());
        assertTrue(r.err().contains("[1/1]"), r.err());
    }

    @Test
    void severalFilesIntoAFolderAsSubtitles() throws Exception {
        Path dir = Files.createTempDirectory("cli");
        Cli.Run r = transcribe("--format", "srt", "--out", dir.toString(), clip("en_jfk.wav").toString(), clip("en_jfk_44k_stereo.flac").toString());
        assertEquals(0, r.exit(), r.err());
        for (String name : List.of("en_jfk.srt", "en_jfk_44k_stereo.srt")) {
            String srt = Files.readString(dir.resolve(name));
            assertTrue(srt.startsWith("1\n") && srt.contains(" --> "), name + ": " + srt);
        }
        assertTrue(r.err().contains("[2/2]"), r.err());
    }

    @Test
    void rejectedRequestsExit3WithTheServersMessage() throws Exception {
        Cli.Run unknownModel = transcribe("--model", "no-such-model", clip("en_jfk.wav").toString());
        assertEquals(3, unknownModel.exit(), unknownModel.err());
        assertTrue(unknownModel.err().contains("HTTP 4"), unknownModel.err());

        Path notAudio = Files.createTempFile("notes", ".wav");
        Files.writeString(notAudio, "this is a text file, not audio\n".repeat(50));
        Cli.Run bad = transcribe(notAudio.toString());
        assertEquals(3, bad.exit(), bad.err());
        assertTrue(bad.err().contains("HTTP 400"), bad.err());

        assertEquals(1, transcribe("--format", "docx", clip("en_jfk.wav").toString()).exit());
    }
}
