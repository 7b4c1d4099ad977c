package speech.asr.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import speech.asr.Text;
import speech.runtime.testing.Http;
import speech.runtime.testing.TestData;

/**
 * A 16-bit mono WAV at 16 kHz is decoded in-process (the asr.decode counter says which path ran) and
 * transcribes as the same samples read by ffmpeg do; other WAVs still go to ffmpeg; the duration limit
 * and the empty-audio 400 hold on both paths.
 */
@QuarkusTest
@TestProfile(WavFastPathProfile.class)
class WavFastPathTest {

    static final Path HARVARD = TestData.speech("short/en_harvard_spk1_snt1.wav"); // 2.87 s, the only chunks fmt and data

    @Inject
    MeterRegistry registry;

    @BeforeEach
    void waitUntilReady() throws InterruptedException {
        Http.awaitReady(() -> given().get("/q/health/ready").statusCode());
    }

    @Test
    void theWavFastPathTranscribesAsFfmpegsSamplesDo() throws IOException {
        String fast = transcribe(HARVARD, "wav").statusCode(200).extract().path("text");
        // The data size says 10 000 bytes more than there are: ffmpeg reads the same samples, the fast path refuses it.
        byte[] lying = Files.readAllBytes(HARVARD);
        ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(40, lying.length - 44 + 10_000);
        String viaFfmpeg = transcribe(temp(lying), "ffmpeg").statusCode(200).extract().path("text");
        assertEquals(viaFfmpeg, fast);
        assertEquals("the child almost hurt the small dog", Text.normalize(fast));
    }

    @Test
    void otherWavsGoToFfmpegAndTranscribeAsBefore() {
        String mono44k = transcribe(TestData.speech("short/en_one_two_three_44k.wav"), "ffmpeg").statusCode(200).extract().path("text");
        assertEquals(Text.spokenWords("One two three."), Text.spokenWords(mono44k)); // "1, 2, 3." is right too
        String stereo44k = transcribe(TestData.speech("short/en_turn_on_the_living_room_lamp.wav"), "ffmpeg").statusCode(200)
                .extract().path("text");
        // tiny.en hears the last word ("lamp") as "liam" whichever way the audio came
        assertEquals(List.of("turn", "on", "the", "living", "room"), Text.words(stereo44k).subList(0, 5));
    }

    @Test
    void theLimitsHoldOnBothPaths() throws IOException {
        transcribe(TestData.speech("short/en_jfk.wav"), "wav").statusCode(400) // 11 s
                .body("error.param", equalTo("file")).body("error.message", equalTo("the audio is longer than the limit of 4 s"));
        transcribe(TestData.speech("short/en_stereo_two_speakers.wav"), "ffmpeg").statusCode(400) // 5 s
                .body("error.param", equalTo("file")).body("error.message", equalTo("the audio is longer than the limit of 4 s"));

        byte[] blip = Files.readAllBytes(HARVARD);
        blip = Arrays.copyOf(blip, 44 + 2 * 100); // 100 samples: less than one hop
        ByteBuffer.wrap(blip).order(ByteOrder.LITTLE_ENDIAN).putInt(4, blip.length - 8).putInt(40, 2 * 100);
        transcribe(temp(blip), "wav").statusCode(400)
                .body("error.code", equalTo("invalid_audio")).body("error.message", containsString("no audio samples"));
        transcribe(temp(Arrays.copyOf(Files.readAllBytes(HARVARD), 30)), "ffmpeg").statusCode(400) // half a header
                .body("error.code", equalTo("invalid_audio"));
    }

    /** Posts {@code file} and checks the upload took {@code path} (wav: in-process, ffmpeg: the process). */
    private ValidatableResponse transcribe(Path file, String path) {
        double before = decodes(path);
        double other = decodes(path.equals("wav") ? "ffmpeg" : "wav");
        ValidatableResponse r = given().multiPart("file", file.toFile()).multiPart("model", "tiny.en")
                .when().post("/v1/audio/transcriptions").then();
        assertEquals(before + 1, decodes(path), file.getFileName() + " decoded by " + path);
        assertEquals(other, decodes(path.equals("wav") ? "ffmpeg" : "wav"), file.getFileName().toString());
        return r;
    }

    private double decodes(String path) {
        Counter decodes = registry.find("asr.decode").tag("path", path).counter(); // registered with the service, on its first use
        return decodes == null ? 0 : decodes.count();
    }

    private static Path temp(byte[] bytes) throws IOException {
        Path f = Files.createTempFile("wav-fast-path", ".wav");
        f.toFile().deleteOnExit();
        return Files.write(f, bytes);
    }
}
