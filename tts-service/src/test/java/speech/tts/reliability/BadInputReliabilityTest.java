package speech.tts.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static speech.runtime.testing.ErrorAnswers.assertJsonError;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.TestData;

/** Reliability: malformed, duplicated and hostile input gets a clear 4xx JSON error, never a 500, a 404 or an empty body. */
@QuarkusTest
class BadInputReliabilityTest {

    private static final String BOUNDARY = "reliability-boundary";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void malformedMultipartBodies() throws Exception {
        String mismatch = "--other\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--other--\r\n";
        String truncated = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF....";
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            fields.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"f").append(i).append("\"\r\n\r\nx\r\n");
        }
        fields.append("--").append(BOUNDARY).append("--\r\n");
        for (String body : new String[] {mismatch, truncated, "", fields.toString()}) {
            assertJsonError(multipart(body.getBytes(StandardCharsets.UTF_8)), 400);
        }
    }

    @Test
    void twoFilePartsAreRefused() throws Exception {
        byte[] wav = Files.readAllBytes(TestData.speech("short/en_jfk.wav"));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\ntwins\r\n").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 2; i++) {
            body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a" + i + ".wav\"\r\n"
                    + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(wav);
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = multipart(body.toByteArray());
        assertJsonError(r, 400);
        assertTrue(r.body().contains("\"param\":\"file\""), r.body());
    }

    @Test
    void badPagingIsABadRequest() throws Exception {
        for (String path : new String[] {"/v1/voices?limit=abc", "/v1/voices?limit=99999999999", "/v1/generations?limit=abc",
                "/v1/generations?offset=x", "/v1/generations?offset=99999999999"}) {
            assertJsonError(get(path), 400);
        }
    }

    @Test
    void tenThousandCharacterIds() throws Exception {
        for (String path : new String[] {"/v1/voices/", "/v1/generations/"}) {
            HttpResponse<String> r = get(path + "v".repeat(10_000));
            assertEquals(414, r.statusCode(), r.body());
            assertJsonError(r);
        }
    }

    @Test
    void whitespaceOnlyTextIsABadRequest() throws Exception {
        String spaces = " \\t\\n\\u00a0\\u2003\\u3000\\u200b ";
        assertJsonError(json("/v1/speech", "{\"text\":\"" + spaces + "\"}"), 400);
        assertJsonError(json("/v1/audio/speech", "{\"input\":\"" + spaces + "\",\"voice\":\"any\"}"), 400);
    }

    @Test
    void largeJsonBodiesAre413() throws Exception {
        String text = "a".repeat(1 << 19);
        assertJsonError(json("/v1/speech", "{\"text\":\"" + text + "\"}"), 413);
        assertJsonError(json("/v1/audio/speech", "{\"input\":\"" + text + "\",\"voice\":\"any\"}"), 413);
    }

    private static HttpResponse<String> multipart(byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base("/v1/voices")).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static HttpResponse<String> json(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base(path)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base(path)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI base(String path) {
        return URI.create("http://localhost:" + RestAssured.port + path);
    }
}
