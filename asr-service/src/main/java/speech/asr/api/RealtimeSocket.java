package speech.asr.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;
import speech.asr.config.AsrConfig;
import speech.asr.realtime.RealtimeSession;
import speech.asr.service.TranscriptionService;
import speech.runtime.http.ApiError;
import speech.runtime.ops.ApiKey;

/**
 * {@code GET /v1/realtime?intent=transcription}: OpenAI's Realtime transcription sessions over a plain
 * Vert.x WebSocket (the Quarkus platform in use does not serve WebSockets Next). Everything a client can
 * get wrong before the upgrade is a JSON 4xx: another intent, no upgrade, the API key (as a Bearer header,
 * or for browsers as the subprotocol {@code openai-insecure-api-key.<key>} or {@code ?api_key=}), too
 * many sessions (429), shutting down (503). After it, the session speaks events; a client that stops reading
 * is closed (1008), and every session at shutdown (1001).
 */
@ApplicationScoped
public class RealtimeSocket implements HttpServerOptionsCustomizer {

    public static final String PATH = "/v1/realtime";
    /** The subprotocol browsers offer next to their key (OpenAI's convention), echoed so the handshake completes. */
    static final String SUBPROTOCOL = "realtime";
    private static final String KEY_SUBPROTOCOL = "openai-insecure-api-key.";
    private static final Logger LOG = Logger.getLogger(RealtimeSocket.class);
    private static final int CLOSE_GOING_AWAY = 1001;
    private static final int CLOSE_NOT_READING = 1008;
    private static final int CLOSE_PROTOCOL = 1002;
    private static final int CLOSE_TOO_BIG = 1009;
    private static final int WRITE_QUEUE_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TranscriptionService service;
    private final AsrConfig.Realtime limits;
    private final ApiKey apiKey;
    private final Semaphore sessions;
    /** Open sockets and their event loops, closed with 1001 at shutdown. */
    private final Map<ServerWebSocket, Context> open = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;

    RealtimeSocket(TranscriptionService service, AsrConfig config, ApiKey apiKey) {
        this.service = service;
        this.limits = config.realtime();
        this.apiKey = apiKey;
        this.sessions = new Semaphore(limits.maxSessions());
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.addWebSocketSubProtocol(SUBPROTOCOL);
    }

    void install(@Observes Router router) {
        router.route(HttpMethod.GET, PATH).order(Integer.MIN_VALUE + 10).handler(this::upgrade);
    }

    private void upgrade(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String intent = request.getParam("intent");
        if (intent != null && !intent.equals("transcription")) {
            refuse(ctx, 400, "invalid_intent", "this server has transcription sessions only: connect with ?intent=transcription", "intent");
        } else if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            refuse(ctx, 400, "websocket_required", "connect with a WebSocket (Upgrade: websocket)", null);
        } else if (apiKey.required() && !apiKey.matches(presentedKey(request))) {
            refuse(ctx, 401, "invalid_api_key", "this service requires an API key: the header 'Authorization: Bearer <key>', "
                    + "the subprotocol 'openai-insecure-api-key.<key>' or the query parameter api_key", null);
        } else if (shuttingDown) {
            ctx.response().putHeader("Retry-After", "5");
            refuse(ctx, 503, "shutting_down", "the service is shutting down; connect to another instance", null);
        } else if (!sessions.tryAcquire()) {
            ctx.response().putHeader("Retry-After", "30");
            refuse(ctx, 429, "too_many_sessions", "all " + limits.maxSessions() + " live sessions are in use; retry later", null);
        } else {
            boolean beta = String.valueOf(request.getHeader("OpenAI-Beta")).contains("realtime=v1");
            request.toWebSocket().onSuccess(ws -> open(ws, beta)).onFailure(e -> sessions.release());
        }
    }

    /** On the connection's event loop; the session's threads reach the socket through its context, in order. */
    private void open(ServerWebSocket ws, boolean beta) {
        Context context = Vertx.currentContext();
        ws.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
        RealtimeSession session = new RealtimeSession(service, limits, new RealtimeSession.Connection() {
            @Override
            public void send(Map<String, Object> event) {
                String text;
                try {
                    text = JSON.writeValueAsString(event);
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                context.runOnContext(v -> {
                    if (ws.isClosed()) {
                        return;
                    }
                    if (ws.writeQueueFull()) {
                        ws.close((short) CLOSE_NOT_READING, "the client does not read its events");
                        return;
                    }
                    ws.writeTextMessage(text);
                });
            }

            @Override
            public void pause() {
                context.runOnContext(v -> ws.pause());
            }

            @Override
            public void resume() {
                context.runOnContext(v -> ws.resume());
            }

            @Override
            public void close(int code, String reason) {
                context.runOnContext(v -> {
                    if (!ws.isClosed()) {
                        ws.close((short) code, reason);
                    }
                });
            }
        }, beta);
        ws.textMessageHandler(session::receive);
        ws.binaryMessageHandler(b -> session.receiveBinary());
        // Vert.x reports a message past max-message-size here (a single frame past max-frame-size it closes itself, 1009).
        ws.exceptionHandler(e -> {
            LOG.debugf("realtime socket: %s", e.getMessage());
            if (!ws.isClosed()) {
                ws.close((short) (e instanceof IllegalStateException ? CLOSE_TOO_BIG : CLOSE_PROTOCOL), "message too large or malformed");
            }
        });
        ws.closeHandler(v -> {
            open.remove(ws);
            session.close();
            sessions.release();
        });
        open.put(ws, context);
        session.start();
    }

    /**
     * Before the queues drain (GracefulShutdown): new sessions get 503, open ones a 1001 close ("going away")
     * so their clients reconnect elsewhere instead of committing audio that would be refused.
     */
    void shutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) ShutdownEvent event) {
        shuttingDown = true;
        open.forEach((ws, context) -> context.runOnContext(v -> {
            if (!ws.isClosed()) {
                ws.close((short) CLOSE_GOING_AWAY, "the service is shutting down");
            }
        }));
    }

    /** The key from the Authorization header, else the browser's subprotocol, else the query parameter. */
    private static String presentedKey(HttpServerRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7);
        }
        String protocols = request.getHeader("Sec-WebSocket-Protocol");
        if (protocols != null) {
            String key = Arrays.stream(protocols.split(",")).map(String::strip).filter(p -> p.startsWith(KEY_SUBPROTOCOL))
                    .map(p -> p.substring(KEY_SUBPROTOCOL.length())).findFirst().orElse(null);
            if (key != null) {
                return key;
            }
        }
        return request.getParam("api_key");
    }

    private static void refuse(RoutingContext ctx, int status, String code, String message, String param) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(Json.encode(ApiError.of(status, code, message, param, null)));
    }
}
