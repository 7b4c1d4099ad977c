package speech.asr.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A plain WebSocket client of /v1/realtime (the JDK's): sends events, hands the server's back one at a time. */
final class RealtimeClient implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final WebSocket socket;
    final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private RealtimeClient(WebSocket.Builder builder, URI uri) {
        StringBuilder partial = new StringBuilder();
        this.socket = builder.buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        events.add(JSON.readTree(partial.toString()));
                    } catch (Exception e) {
                        events.add(JSON.createObjectNode().put("type", "client: not JSON: " + partial));
                    }
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.completeExceptionally(error);
            }
        }).join();
    }

    /** {@code base} is the service's http:// root; {@code headers} alternate names and values. */
    static RealtimeClient connect(URI base, String query, String... headers) {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return new RealtimeClient(b, ws(base, query));
    }

    static RealtimeClient connect(WebSocket.Builder builder, URI base, String query) {
        return new RealtimeClient(builder, ws(base, query));
    }

    static URI ws(URI base, String query) {
        return URI.create(base.toString().replaceFirst("^http", "ws").replaceAll("/$", "") + "/v1/realtime" + query);
    }

    void send(Map<String, Object> event) throws Exception {
        socket.sendText(JSON.writeValueAsString(event), true).get(30, TimeUnit.SECONDS);
    }

    void sendRaw(String text) throws Exception {
        socket.sendText(text, true).get(30, TimeUnit.SECONDS);
    }

    void append(float[] samples, int from, int to) throws Exception {
        send(Map.of("type", "input_audio_buffer.append", "audio", Base64.getEncoder().encodeToString(pcm16(samples, from, to))));
    }

    /** The next event, failing the test after {@code seconds}. */
    JsonNode next(int seconds) throws InterruptedException {
        JsonNode e = events.poll(seconds, TimeUnit.SECONDS);
        assertNotNull(e, "no event within " + seconds + " s");
        return e;
    }

    /** The next event, which must be of {@code type}. */
    JsonNode expect(String type, int seconds) throws InterruptedException {
        JsonNode e = next(seconds);
        assertEquals(type, e.path("type").asText(), e.toString());
        return e;
    }

    static byte[] pcm16(float[] samples, int from, int to) {
        ByteBuffer b = ByteBuffer.allocate((to - from) * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i < to; i++) {
            b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767))));
        }
        return b.array();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
        socket.abort();
    }
}
