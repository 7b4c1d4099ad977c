package speech.runtime.http;

import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * JSON request bodies are small (a speech request is a few kB of text and settings): one declaring more
 * than {@code speech.json.max-bytes} is answered 413 from its headers instead of being read into the
 * heap under the much larger upload limit.
 */
@ApplicationScoped
public class JsonBodyLimit {

    private final long maxBytes;

    JsonBodyLimit(@ConfigProperty(name = "speech.json.max-bytes", defaultValue = "262144") long maxBytes) {
        this.maxBytes = maxBytes;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        long length = parse(ctx.request().getHeader("Content-Length"));
        if (length <= maxBytes || type == null || !type.toLowerCase(Locale.ROOT).contains("json")) {
            ctx.next();
            return;
        }
        String message = String.format(Locale.ROOT, "the JSON body is %d bytes; the limit is %d bytes", length, maxBytes);
        ctx.response().setStatusCode(413).putHeader("Content-Type", "application/json");
        BoundedDrain.thenAnswer(ctx, Json.encode(ApiError.of(413, "payload_too_large", message, null, null)));
    }

    private static long parse(String length) {
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
