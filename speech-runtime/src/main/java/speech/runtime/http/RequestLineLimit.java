package speech.runtime.http;

import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * 414 with the JSON error for an over-long URI. Netty answers a request line over
 * quarkus.http.limits.max-initial-line-length itself, with an empty body; the services set that
 * limit well above {@link #MAX_URI_CHARS} so such requests reach this route and get a real answer.
 */
@ApplicationScoped
public class RequestLineLimit {

    /** No path or query of this API comes near it (ids are a few dozen characters). */
    public static final int MAX_URI_CHARS = 4096;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            if (ctx.request().uri().length() <= MAX_URI_CHARS) {
                ctx.next();
                return;
            }
            String message = "the request URI is " + ctx.request().uri().length() + " characters; the limit is " + MAX_URI_CHARS;
            ctx.response().setStatusCode(414).putHeader("Content-Type", "application/json")
                    .end(Json.encode(ApiError.of(414, "uri_too_long", message, null, null)));
        });
    }
}
