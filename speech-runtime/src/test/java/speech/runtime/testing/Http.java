package speech.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/** Plain JDK HTTP calls for tests outside rest-assured (ops tests, CLIs, packaged services). */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    public static HttpResponse<String> send(String method, String url, String... headers) {
        try {
            return CLIENT.send(request(method, url, headers), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpResponse<String> get(String url, String... headers) {
        return send("GET", url, headers);
    }

    public static CompletableFuture<HttpResponse<String>> getAsync(String url) {
        return CLIENT.sendAsync(request("GET", url), HttpResponse.BodyHandlers.ofString());
    }

    public static JsonNode error(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body()).path("error");
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    private static HttpRequest request(String method, String url, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return b.build();
    }

    /**
     * Waits until {@code /q/health/ready} answers 200: the default model loads in the background after
     * start. Fails the test when it is not ready within two minutes.
     */
    public static void awaitReady(URI base) {
        awaitReady(() -> {
            try {
                return send("GET", base.resolve("/q/health/ready").toString()).statusCode();
            } catch (IllegalStateException notListeningYet) {
                return 0;
            }
        });
    }

    /** The same wait for a readiness probe of the caller's (e.g. rest-assured's {@code given().get(...).statusCode()}). */
    public static void awaitReady(IntSupplier readinessStatus) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        int status;
        while ((status = readinessStatus.getAsInt()) != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("service not ready within 2 minutes (last readiness status " + status + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for readiness", e);
            }
        }
    }
}
