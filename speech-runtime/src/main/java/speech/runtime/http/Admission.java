package speech.runtime.http;

import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The 429 decision, made from the request line before any body is read. A work request (a POST under
 * /v1/) is admitted only while fewer than {@code speech.admission.max-in-flight} are in flight, uploads
 * included; so a flood costs the service one small answer per refused request, not a spooled upload and
 * a multipart parse, and the admitted ones keep the workers busy. Refused bodies are drained only up to
 * {@link BoundedDrain#MAX_BYTES}.
 */
@ApplicationScoped
public class Admission {

    private final int maxInFlight;
    private final int retryAfterSeconds;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param maxInFlight work requests admitted at once: about the queue's workers + waiting slots (1 + 8),
     *                    so that the queue behind it rarely has to refuse one after its upload
     */
    Admission(@ConfigProperty(name = "speech.admission.max-in-flight", defaultValue = "9") int maxInFlight,
              @ConfigProperty(name = "speech.admission.retry-after-seconds", defaultValue = "5") int retryAfterSeconds) {
        this.maxInFlight = maxInFlight;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 2).handler(this::admit);
    }

    private void admit(RoutingContext ctx) {
        if (!"POST".equals(ctx.request().method().name()) || !ctx.normalizedPath().startsWith("/v1/")) {
            ctx.next();
            return;
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            String body = Json.encode(ApiError.of(429, "busy", "the service is busy (" + maxInFlight + " requests in flight); retry after "
                    + retryAfterSeconds + " s", null, null));
            ctx.response().setStatusCode(429).putHeader("Content-Type", "application/json")
                    .putHeader("Retry-After", Integer.toString(retryAfterSeconds));
            BoundedDrain.thenAnswer(ctx, body);
            return;
        }
        ctx.addEndHandler(done -> inFlight.decrementAndGet());
        ctx.next();
    }
}
