package speech.runtime.http;

import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Answers an oversized upload with 413 and the JSON error body. Vert.x's own body limit
 * (quarkus.http.limits.max-body-size, set well above this one) rejects with an empty body, so this
 * route runs first and decides from Content-Length, on the normalised path ({@code //v1/audio/…} too).
 * A client that waits for 100-continue gets the answer before sending anything; others have at most
 * {@link BoundedDrain#MAX_BYTES} read and discarded ({@link BoundedDrain}). Bodies without a Content-Length are checked by the services.
 */
public final class UploadLimit {

    private UploadLimit() {
    }

    /**
     * @param pathPrefix only POSTs under this path are checked
     * @param limitBytes the configured limit, as the message names it
     * @param envelopeBytes allowance on top of it for the multipart envelope and the other form fields
     */
    public static void install(Router router, String pathPrefix, long limitBytes, long envelopeBytes) {
        router.route().order(Integer.MIN_VALUE + 1).handler(ctx -> check(ctx, pathPrefix, limitBytes, envelopeBytes));
    }

    private static void check(RoutingContext ctx, String pathPrefix, long limit, long envelope) {
        long length = parse(ctx.request().getHeader("Content-Length"));
        if (length <= limit + envelope || !"POST".equals(ctx.request().method().name()) || !ctx.normalizedPath().startsWith(pathPrefix)) {
            ctx.next();
            return;
        }
        String message = String.format(Locale.ROOT, "the upload is %d bytes; the limit is %d bytes (%.0f MiB)",
                length, limit, limit / 1048576.0);
        String body = Json.encode(ApiError.of(413, "payload_too_large", message, "file", null));
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
}
