package speech.tts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.Http;
import speech.runtime.testing.TestData;

/** bin/voices and bin/speak against the running service: the happy path and the documented exit codes. */
@QuarkusTest
class CliTest {

    static final Path BIN = Path.of("..", "bin").toAbsolutePath().normalize();

    @TestHTTPResource("/")
    URL base;

    record Run(int exit, String out, String err) {
    }

    /** Graphs may still be loading right after start: --check rightly says "not ready" until then. */
    @BeforeEach
    void ready() throws Exception {
        Http.awaitReady(base.toURI());
    }

    Run run(String script, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BIN.resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().remove("SPEECH_API_KEY");
        pb.environment().put("TTS_URL", base.toString());
        pb.environment().putAll(env);
        Path out = Files.createTempFile("cli", ".out");
        Path err = Files.createTempFile("cli", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), script + " finished in time");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    Run run(String script, String... args) throws IOException, InterruptedException {
        return run(script, Map.of(), args);
    }

    @Test
    void checkSaysReadyOrUnreachable() throws Exception {
        Run ok = run("voices", "--check");
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("reachable and ready"), ok.out());
        Run down = run("speak", Map.of("TTS_URL", "http://127.0.0.1:9"), "--check");
        assertEquals(2, down.exit());
        assertTrue(down.err().contains("bin/start"), down.err());
    }

    @Test
    void createSpeakInTheVoiceByNameAndDelete() throws Exception {
        Run created = run("voices", "create", "CLI voice", TestData.speech("short/en_jfk.wav").toString());
        assertEquals(0, created.exit(), created.err());
        String id = created.out().strip();
        assertTrue(id.startsWith("voice_"), id);

        Run list = run("voices");
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains(id) && list.out().contains("CLI voice"), list.out());

        Path wav = Files.createTempDirectory("cli").resolve("hello.wav");
        Run spoken = run("speak", "--voice", "cli voice", "--seed", "7", "--set", "num_steps=4", "--set", "sequence_length=40",
                "--out", wav.toString(), "Ask not what your country can do for you.");
        assertEquals(0, spoken.exit(), spoken.err());
        assertEquals("RIFF", new String(Files.readAllBytes(wav), 0, 4, StandardCharsets.US_ASCII));
        assertTrue(spoken.err().contains("s of audio"), spoken.err());

        Run deleted = run("voices", "delete", id);
        assertEquals(0, deleted.exit(), deleted.err());
        assertEquals(3, run("voices", "delete", id).exit(), "gone");
    }

    @Test
    void rejectedRequestsExit3WithTheServersMessage() throws Exception {
        Run unknownVoice = run("speak", "--voice", "nobody-here", "--out", "target/x.wav", "hello");
        assertEquals(3, unknownVoice.exit());
        assertTrue(unknownVoice.err().contains("no voice with id or name 'nobody-here'"), unknownVoice.err());

        Run tooShort = run("voices", "create", "Short", silence(2).toString());
        assertEquals(3, tooShort.exit(), tooShort.err());
        assertTrue(tooShort.err().contains("HTTP 4"), tooShort.err());

        assertEquals(1, run("speak", "--format", "midi", "hello").exit());
    }

    static Path silence(int seconds) throws IOException, InterruptedException {
        Path f = Files.createTempDirectory("cli").resolve("silence.wav");
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono",
                "-t", String.valueOf(seconds), f.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
        return f;
    }
}
