package speech.asr.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import speech.asr.Text;
import speech.runtime.testing.Http;
import speech.runtime.testing.TestData;

/**
 * Any container ffmpeg reads is accepted: the JFK recording re-muxed (by ffmpeg, into target/) as
 * video and compressed-audio containers comes back as the JFK sentence.
 */
@QuarkusTest
class ContainersTest {

    @BeforeEach
    void waitUntilReady() throws InterruptedException {
        Http.awaitReady(() -> given().get("/q/health/ready").statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mp4", "webm", "ogg", "m4a", "mkv"})
    void jfkInEveryContainerIsTranscribed(String container) throws Exception {
        File file = convert(TestData.speech("short/en_jfk.wav"), container);
        String text = given().multiPart("file", file).multiPart("model", "tiny.en")
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(200).extract().path("text");
        assertEquals(TranscriptionResourceTest.JFK_TEXT, Text.normalize(text), container);
    }

    private static File convert(Path source, String container) throws Exception {
        Path out = Path.of("target", "containers", "jfk." + container);
        Files.createDirectories(out.getParent());
        List<String> codec = switch (container) {
            // a real video track (black frames) next to the audio, as a screen recording would have
            case "mp4" -> List.of("-f", "lavfi", "-i", "color=c=black:s=64x64:r=5", "-i", source.toString(), "-shortest",
                    "-c:v", "mpeg4", "-c:a", "aac");
            case "mkv" -> List.of("-f", "lavfi", "-i", "color=c=black:s=64x64:r=5", "-i", source.toString(), "-shortest",
                    "-c:v", "mpeg4", "-c:a", "flac");
            case "webm", "ogg" -> List.of("-i", source.toString(), "-c:a", "libopus");
            case "m4a" -> List.of("-i", source.toString(), "-c:a", "aac");
            default -> throw new IllegalArgumentException(container);
        };
        List<String> cmd = new java.util.ArrayList<>(List.of("ffmpeg", "-nostdin", "-y", "-loglevel", "error"));
        cmd.addAll(codec);
        cmd.add(out.toString());
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "ffmpeg made " + out);
        return out.toFile();
    }
}
