package speech.runtime.http;

import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import speech.runtime.config.RuntimeConfig;

/**
 * Answers an oversized upload with 413 and the JSON error body. Vert.x's own body limit
 * (quarkus.http.limits.max-body-size, set well above this one) rejects with an empty body, so this
 * route runs first and decides from Content-Length, on the normalised path ({@code //v1/audio/…} too).
 * A client that waits for 100-continue gets the answer before sending anything; others have at most
 * {@link BoundedDrain#MAX_BYTES} read and discarded ({@link BoundedDrain}). Bodies without a Content-Length, and files
 * a little over the limit inside the envelope allowance, are checked by the services with {@link #check(long)}.
 * The limit is {@code speech.upload.max-bytes}.
 */
@ApplicationScoped
public class UploadLimit {

    /** Only POSTs under this path carry uploads. */
    static final String PATH_PREFIX = "/v1/";
    /** Room on top of the file for the multipart envelope and the other form fields. */
    static final long ENVELOPE_BYTES = 1 << 20;

    private final long limit;

    UploadLimit(RuntimeConfig config) {
        this.limit = config.upload().maxBytes();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(ctx -> check(ctx, limit));
    }

    /** The services' check of the received file itself: 413 when it is over the limit. */
    public void check(long fileBytes) {
        if (fileBytes > limit) {
            throw ApiException.payloadTooLarge(message("the file", fileBytes, limit));
        }
    }

    private static void check(RoutingContext ctx, long limit) {
        long length = parse(ctx.request().getHeader("Content-Length"));
        if (length <= limit + ENVELOPE_BYTES || !"POST".equals(ctx.request().method().name())
                || !ctx.normalizedPath().startsWith(PATH_PREFIX)) {
            ctx.next();
            return;
        }
        String body = Json.encode(ApiError.of(413, "payload_too_large", message("the upload", length, limit), "file", null));
        ctx.response().setStatusCode(413).putHeader("Content-Type", "application/json");
        BoundedDrain.thenAnswer(ctx, body);
    }

    private static long parse(String length) {
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String message(String what, long bytes, long limit) {
        return String.format(Locale.ROOT, "%s is %d bytes; the limit is %d bytes (%.0f MiB)", what, bytes, limit, limit / 1048576.0);
    }
}
