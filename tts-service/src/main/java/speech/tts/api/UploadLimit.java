package speech.tts.api;

import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import speech.runtime.http.ApiError;
import speech.tts.config.TtsConfig;

/**
 * Answers an oversized upload with 413 and the JSON error body. Vert.x's own body limit
 * (quarkus.http.limits.max-body-size, set well above this one) rejects with an empty body, so this
 * route runs first and decides from Content-Length. A client that waits for 100-continue gets the
 * answer before sending anything; others have the body read and discarded first, so they see the
 * 413 instead of a reset connection.
 */
@ApplicationScoped
public class UploadLimit {

    /** Room for the multipart envelope and the other form fields. */
    static final long MULTIPART_OVERHEAD = 1 << 20;

    void install(@Observes Router router, TtsConfig config) {
        long limit = config.voices().maxUploadBytes() + MULTIPART_OVERHEAD;
        String body = Json.encode(ApiError.of(413, "payload_too_large", "the upload is larger than the "
                + config.voices().maxUploadBytes() / 1_048_576 + " MiB limit", "file", null));
        router.route().order(Integer.MIN_VALUE + 1).handler(ctx -> check(ctx, limit, body));
    }

    private static void check(RoutingContext ctx, long limit, String body) {
        String length = ctx.request().getHeader("Content-Length");
        if (length == null || parse(length) <= limit) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(413).putHeader("Content-Type", "application/json").putHeader("Connection", "close");
        if ("100-continue".equalsIgnoreCase(ctx.request().getHeader("Expect"))) {
            ctx.response().end(body);
            return;
        }
        ctx.request().handler(chunk -> { }).endHandler(done -> ctx.response().end(body)).resume();
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
