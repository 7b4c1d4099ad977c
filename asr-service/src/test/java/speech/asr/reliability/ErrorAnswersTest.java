package speech.asr.reliability;

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
 * Reliability / information leaks: a sweep of wrong requests across the API (unknown routes and models, wrong
 * methods and media types, files that are not audio or are damaged, bad options): each gets its 4xx as a JSON
 * error that shows no server path, stack frame or class name, even where ffmpeg's own message is passed on.
 */
@QuarkusTest
class ErrorAnswersTest {

    @Test
    void everyErrorIsCleanJson() throws Exception {
        String base = "http://localhost:" + RestAssured.port;
        String url = base + "/v1/audio/transcriptions";
        byte[] wav = Files.readAllBytes(TestData.speech("short/en_jfk.wav"));
        Map<HttpRequest.Builder, Integer> probes = new LinkedHashMap<>();
        probes.put(get(base + "/v1/models/nope"), 404);
        probes.put(get(base + "/v1/models/..%2F..%2Fetc"), 404);
        probes.put(get(base + "/v1/nope"), 404);
        probes.put(get(url), 405);
        probes.put(get(base + "/v1/models").header("Accept", "image/png"), 406);
        probes.put(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"file\":\"x\"}")), 415);
        probes.put(new Multipart().field("model", "tiny.en").post(url), 400);
        probes.put(new Multipart().file("file", "notes.wav", "audio/wav", "these are notes, not audio".getBytes(StandardCharsets.UTF_8)).post(url), 400);
        probes.put(new Multipart().file("file", "cut.wav", "audio/wav", Arrays.copyOf(wav, 60)).post(url), 400);
        probes.put(new Multipart().file("file", "big.wav", "audio/wav", Arrays.copyOf(wav, 30_000)).field("model", "../../etc").post(url), 404);
        probes.put(new Multipart().file("file", "a.wav", "audio/wav", wav).field("response_format", "xml").post(url), 400);
        probes.put(new Multipart().file("file", "a.wav", "audio/wav", wav).field("temperature", "hot").post(url), 400);
        probes.put(new Multipart().file("file", "a.wav", "audio/wav", wav).field("language", "klingon").post(url), 400);
        HttpClient http = HttpClient.newHttpClient();
        for (Map.Entry<HttpRequest.Builder, Integer> probe : probes.entrySet()) {
            assertJsonError(http.send(probe.getKey().build(), HttpResponse.BodyHandlers.ofString()), probe.getValue());
        }
    }

    private static HttpRequest.Builder get(String url) {
        return HttpRequest.newBuilder(URI.create(url));
    }
}
