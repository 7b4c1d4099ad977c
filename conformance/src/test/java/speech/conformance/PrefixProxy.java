package speech.conformance;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * A reverse proxy that serves each service under a path prefix, as an ingress does ({@code /speech/tts/…} →
 * the TTS service's {@code /…}): the pages must work from a prefixed URL. Bodies are passed on as they come,
 * so streamed speech stays streamed.
 */
final class PrefixProxy implements AutoCloseable {

    /** Hop-by-hop headers and those the JDK client sets itself. */
    private static final Set<String> SKIPPED = Set.of("connection", "content-length", "host", "upgrade", "expect", "keep-alive",
            "transfer-encoding", "te", "trailer", "proxy-connection");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> upstreams;

    /** @param upstreams prefix ("/speech/tts") → the service's base URL */
    private PrefixProxy(Map<String, String> upstreams) throws IOException {
        this.upstreams = upstreams;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::forward);
        server.start();
    }

    static PrefixProxy start(Map<String, String> upstreams) throws IOException {
        return new PrefixProxy(upstreams);
    }

    /** The browser's URL of a prefix: http://127.0.0.1:port/speech/tts */
    String url(String prefix) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + prefix;
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            var target = upstreams.entrySet().stream().filter(e -> path.startsWith(e.getKey() + "/")).findFirst();
            if (target.isEmpty()) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String query = exchange.getRequestURI().getRawQuery();
            URI uri = URI.create(target.get().getValue() + path.substring(target.get().getKey().length()) + (query == null ? "" : "?" + query));
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!SKIPPED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            String length = exchange.getRequestHeaders().getFirst("Content-Length");
            InputStream in = exchange.getRequestBody();
            HttpRequest.BodyPublisher body = length == null ? HttpRequest.BodyPublishers.ofInputStream(() -> in)
                    : HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> in), Long.parseLong(length));
            boolean hasBody = length != null ? Long.parseLong(length) > 0 : exchange.getRequestHeaders().containsKey("Transfer-encoding");
            request.method(exchange.getRequestMethod(), hasBody ? body : HttpRequest.BodyPublishers.noBody());
            HttpResponse<InputStream> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (!SKIPPED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, List.copyOf(values));
                }
            });
            long size = response.headers().firstValueAsLong("Content-Length").orElse(0);
            boolean empty = response.statusCode() == 204 || response.statusCode() == 304 || "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : size);
            try (InputStream upstream = response.body(); OutputStream out = exchange.getResponseBody()) {
                byte[] buffer = new byte[16384];
                for (int n; (n = upstream.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
