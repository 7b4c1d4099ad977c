package speech.tts.reliability;

import static speech.runtime.testing.ErrorAnswers.assertJsonError;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.Multipart;
import speech.runtime.testing.TestData;

/**
 * Reliability / information leaks: a sweep of wrong requests across the API (unknown ids, routes and models, wrong
 * methods and media types, invalid JSON and settings, references that are not audio, damaged, too short or silent):
 * each gets its 4xx as a JSON error that shows no server path, stack frame or class name.
 */
@QuarkusTest
class ErrorAnswersTest {

    @Test
    void everyErrorIsCleanJson() throws Exception {
        String base = "http://localhost:" + RestAssured.port;
        byte[] wav = Files.readAllBytes(TestData.speech("short/en_jfk.wav"));
        byte[] silence = wav(new byte[16000 * 2 * 12]);
        byte[] threeSeconds = wav(Arrays.copyOfRange(wav, wav.length - 16000 * 2 * 3, wav.length));
        Map<HttpRequest.Builder, Integer> probes = new LinkedHashMap<>();
        for (String path : new String[] {"/v1/voices/voice_0123456789abcdef01234567", "/v1/voices/nope/audio", "/v1/generations/nope",
                "/v1/generations/nope/audio", "/v1/models/nope", "/v1/nope"}) {
            probes.put(get(base + path), 404);
        }
        probes.put(HttpRequest.newBuilder(URI.create(base + "/v1/voices")).PUT(HttpRequest.BodyPublishers.noBody()), 405);
        probes.put(get(base + "/v1/voices").header("Accept", "image/png"), 406);
        probes.put(json(base + "/v1/voices", "{}"), 415);
        probes.put(json(base + "/v1/speech", "{\"text\": "), 400);
        probes.put(json(base + "/v1/speech", "{\"text\":\"Hi.\",\"no_such_setting\":1}"), 400);
        probes.put(json(base + "/v1/speech", "{\"text\":\"Hi.\",\"num_steps\":-1}"), 400);
        probes.put(json(base + "/v1/speech", "{\"text\":\"Hi.\",\"format\":\"wma\"}"), 400);
        probes.put(json(base + "/v1/speech", "{\"text\":\"Hi.\",\"voice_id\":\"voice_0123456789abcdef01234567\"}"), 404);
        probes.put(json(base + "/v1/speech", "{\"text\":\"Hi.\",\"model\":\"../../etc\"}"), 404);
        probes.put(json(base + "/v1/audio/speech", "{\"input\":\"Hi.\",\"voice\":\"alloy\"}"), 404);
        String voices = base + "/v1/voices";
        probes.put(new Multipart().field("name", "no file").post(voices), 400);
        probes.put(new Multipart().field("name", "text").file("file", "notes.wav", "audio/wav", "not audio".getBytes(StandardCharsets.UTF_8)).post(voices), 400);
        probes.put(new Multipart().field("name", "cut").file("file", "cut.wav", "audio/wav", Arrays.copyOf(wav, 60)).post(voices), 400);
        probes.put(new Multipart().field("name", "short").file("file", "short.wav", "audio/wav", threeSeconds).post(voices), 400);
        probes.put(new Multipart().field("name", "silent").file("file", "silent.wav", "audio/wav", silence).post(voices), 400);
        HttpClient http = HttpClient.newHttpClient();
        for (Map.Entry<HttpRequest.Builder, Integer> probe : probes.entrySet()) {
            assertJsonError(http.send(probe.getKey().build(), HttpResponse.BodyHandlers.ofString()), probe.getValue());
        }
    }

    /** 16 kHz mono 16-bit PCM in a minimal RIFF/WAVE header. */
    private static byte[] wav(byte[] pcm) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + pcm.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + pcm.length).put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(pcm.length).put(pcm);
        return b.array();
    }

    private static HttpRequest.Builder get(String url) {
        return HttpRequest.newBuilder(URI.create(url));
    }

    private static HttpRequest.Builder json(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }
}
