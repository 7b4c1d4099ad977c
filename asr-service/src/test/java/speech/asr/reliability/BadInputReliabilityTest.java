package speech.asr.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static speech.runtime.testing.ErrorAnswers.assertJsonError;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
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

/** Reliability: malformed, duplicated and oversized input gets a clear 4xx JSON error, never a 500 or an empty body. */
@QuarkusTest
class BadInputReliabilityTest {

    private static final String BOUNDARY = "reliability-boundary";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void boundaryThatDoesNotMatchTheHeader() throws Exception {
        String body = "--other-boundary\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\ntiny.en\r\n--other-boundary--\r\n";
        assertJsonError(post(body.getBytes(StandardCharsets.UTF_8)), 400);
    }

    @Test
    void truncatedBody() throws Exception {
        byte[] wav = Files.readAllBytes(TestData.speech("short/en_jfk.wav"));
        String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n";
        byte[] body = new byte[head.length() + 1000];
        System.arraycopy(head.getBytes(StandardCharsets.UTF_8), 0, body, 0, head.length());
        System.arraycopy(wav, 0, body, head.length(), 1000);
        assertJsonError(post(body), 400);
    }

    @Test
    void emptyMultipartBody() throws Exception {
        assertJsonError(post(new byte[0]), 400);
    }

    @Test
    void thousandsOfFields() throws Exception {
        assertJsonError(post(fields(5000)), 400);
    }

    @Test
    void fieldCountIsCappedFarBelowTheFrameworkDefault() throws Exception {
        assertJsonError(post(fields(100)), 400);
    }

    private static byte[] fields(int count) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < count; i++) {
            body.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"f").append(i).append("\"\r\n\r\nx\r\n");
        }
        body.append("--").append(BOUNDARY).append("--\r\n");
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void twoFileParts() throws Exception {
        byte[] wav = Files.readAllBytes(TestData.speech("short/en_jfk.wav"));
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 2; i++) {
            body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a" + i + ".wav\"\r\n"
                    + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(wav);
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = post(body.toByteArray());
        assertJsonError(r, 400);
        assertTrue(r.body().contains("file"), r.body());
    }

    @Test
    void tenThousandCharacterId() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base("/v1/models/" + "m".repeat(10_000))).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(414, r.statusCode(), r.body());
        assertJsonError(r);
    }

    @Test
    void theUploadLimitHoldsOnTheNormalisedPathBeforeTheBodyIsSent() throws Exception {
        java.util.List<byte[]> chunks = new java.util.ArrayList<>();
        for (int i = 0; i < 30 * 16; i++) {
            chunks.add(new byte[64 * 1024]); // 30 MiB, over the 25 MiB limit
        }
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        HttpRequest.BodyPublisher all = HttpRequest.BodyPublishers.ofByteArrays(chunks);
        HttpRequest.BodyPublisher counted = new HttpRequest.BodyPublisher() {
            @Override
            public long contentLength() {
                return 30L << 20;
            }

            @Override
            public void subscribe(java.util.concurrent.Flow.Subscriber<? super java.nio.ByteBuffer> s) {
                all.subscribe(new java.util.concurrent.Flow.Subscriber<java.nio.ByteBuffer>() {
                    public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                        s.onSubscribe(subscription);
                    }

                    public void onNext(java.nio.ByteBuffer item) {
                        sent.addAndGet(item.remaining());
                        s.onNext(item);
                    }

                    public void onError(Throwable t) {
                        s.onError(t);
                    }

                    public void onComplete() {
                        s.onComplete();
                    }
                });
            }
        };
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base("//v1/audio/transcriptions")).timeout(Duration.ofSeconds(120))
                .expectContinue(true).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY).POST(counted).build(),
                HttpResponse.BodyHandlers.ofString());
        assertJsonError(r, 413);
        assertTrue(sent.get() < (1 << 20), "answered before the body was sent; sent " + sent.get() + " bytes");
    }

    private static HttpResponse<String> post(byte[] body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(base("/v1/audio/transcriptions")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI base(String path) {
        return URI.create("http://localhost:" + RestAssured.port + path);
    }
}
