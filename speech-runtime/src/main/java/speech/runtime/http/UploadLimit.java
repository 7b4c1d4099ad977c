package speech.runtime.http;

import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import speech.runtime.config.RuntimeConfig;

/**
 * Answers an oversized upload with 413 and the JSON error body. A declared Content-Length over the limit is
 * answered from the headers, on the normalised path ({@code //v1/audio/…} too), before Quarkus' own check
 * (which would answer with an empty body): a client that waits for 100-continue gets the answer before sending
 * anything; others have at most {@link BoundedDrain#MAX_BYTES} read and discarded ({@link BoundedDrain}).
 * A body without a Content-Length (chunked) is counted while it streams in: {@link speech.runtime.config.DerivedHttpLimits}
 * sets Quarkus' body limit to the same figure, so the multipart parser stops it as soon as it passes
 * (413 JSON from {@link ErrorMappers}, the spooled part deleted). Files a little over the limit inside the envelope
 * allowance are checked by the services with {@link #check(long)}. The limit is {@code speech.upload.max-bytes}.
 */
@ApplicationScoped
public class UploadLimit {

    /** How often a body without a Content-Length is measured while it streams in. */
    static final long STREAM_WATCH_MS = 50;
    /** Set on a request whose body {@link #watchStream} refused: its 413 is sent, nothing more is written. */
    static final String REFUSED = "speech.upload-refused";
    /** Only POSTs under this path carry uploads. */
    static final String PATH_PREFIX = "/v1/";
    /** Room on top of the file for the multipart envelope and the other form fields. */
    public static final long ENVELOPE_BYTES = 1 << 20;
    /** {@code speech.upload.max-bytes} when unset: 25 MiB, OpenAI's limit for audio uploads. */
    public static final long DEFAULT_MAX_BYTES = 25L << 20;

    /** io.quarkus.vertx.http.runtime.RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT: Quarkus' route that sets {@link #QUARKUS_STREAM_LIMIT}. */
    static final int QUARKUS_UPLOAD_LIMIT_ORDER = -2;
    /** The request attribute Quarkus' body stream reads its limit from (set when there is no Content-Length). */
    static final String QUARKUS_STREAM_LIMIT = "io.quarkus.max-request-size";

    private final long limit;

    UploadLimit(RuntimeConfig config) {
        this.limit = config.upload().maxBytes();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(ctx -> check(ctx, limit));
        router.route().order(QUARKUS_UPLOAD_LIMIT_ORDER + 1).handler(this::loosenQuarkusStreamLimit);
    }

    /**
     * Quarkus' blocking body stream ends a chunked body past its limit with an empty 413 of its own. It gets room
     * for the multipart framing, so the multipart parser (which counts only the parts' bytes against the same
     * limit) or the JSON bound ({@link JsonBodyStreamLimit}) stops the body first, with the JSON error.
     */
    private void loosenQuarkusStreamLimit(RoutingContext ctx) {
        if (ctx.get(QUARKUS_STREAM_LIMIT) != null) {
            ctx.put(QUARKUS_STREAM_LIMIT, limit + 2 * ENVELOPE_BYTES);
        }
        ctx.next();
    }

    /** The services' check of the received file itself: 413 when it is over the limit. */
    public void check(long fileBytes) {
        if (fileBytes > limit) {
            throw ApiException.payloadTooLarge(message("the file", fileBytes, limit));
        }
    }

    private static void check(RoutingContext ctx, long limit) {
        if (!"POST".equals(ctx.request().method().name()) || !ctx.normalizedPath().startsWith(PATH_PREFIX)) {
            ctx.next();
            return;
        }
        long length = parse(ctx.request().getHeader("Content-Length"));
        if (length < 0 && !ctx.request().isEnded()) {
            watchStream(ctx, limit);
        }
        if (length <= limit + ENVELOPE_BYTES) {
            ctx.next();
            return;
        }
        String body = Json.encode(ApiError.of(413, "payload_too_large", message("the upload", length, limit), "file", null));
        ctx.response().setStatusCode(413).putHeader("Content-Type", "application/json");
        BoundedDrain.thenAnswer(ctx, body);
    }

    /**
     * A body without a Content-Length is watched while it streams in: once more than the limit and the envelope
     * have arrived, the 413 is sent and the connection closed. The multipart parser has stopped spooling at the
     * same point, but its blocking stream would read the rest of the body (to the end, however long) before the
     * error could be answered; closing the connection ends that too, and {@link ErrorMappers} answers the parser's
     * error without a body ({@link #refusedWhileStreaming}).
     */
    private static void watchStream(RoutingContext ctx, long limit) {
        long threshold = limit + ENVELOPE_BYTES;
        long timer = ctx.vertx().setPeriodic(STREAM_WATCH_MS, id -> {
            if (ctx.request().isEnded() || ctx.response().ended() || ctx.response().closed()) {
                ctx.vertx().cancelTimer(id);
            } else if (ctx.request().bytesRead() > threshold) {
                ctx.vertx().cancelTimer(id);
                refuseAndClose(ctx, limit);
            }
        });
        ctx.addEndHandler(done -> ctx.vertx().cancelTimer(timer));
    }

    private static void refuseAndClose(RoutingContext ctx, long limit) {
        ctx.put(REFUSED, true);
        if (ctx.response().headWritten()) {
            ctx.request().connection().close();
            return;
        }
        String message = String.format(Locale.ROOT, "the upload passed the limit of %d bytes (%.0f MiB) while it was being received",
                limit, limit / 1048576.0);
        ctx.response().setStatusCode(413).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                .end(Json.encode(ApiError.of(413, "payload_too_large", message, "file", null)))
                .onComplete(sent -> ctx.request().connection().close());
    }

    /** Whether {@link #watchStream} refused this request: its 413 is sent and nothing more may be written. */
    static boolean refusedWhileStreaming(RoutingContext ctx) {
        return ctx.get(REFUSED) != null;
    }

    static long parse(String length) {
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The 413 message when the multipart parser stops a body as it streams in: past the upload limit (no Content-Length
     * to quote), or a text field past {@code quarkus.http.limits.max-form-attribute-size}; the parser does not say which.
     */
    String streamedMessage(long maxFieldBytes) {
        return String.format(Locale.ROOT, "the form is too large: a file may have at most %d bytes (%.0f MiB), a text field %d bytes",
                limit, limit / 1048576.0, maxFieldBytes);
    }

    private static String message(String what, long bytes, long limit) {
        return String.format(Locale.ROOT, "%s is %d bytes; the limit is %d bytes (%.0f MiB)", what, bytes, limit, limit / 1048576.0);
    }
}
