package speech.runtime.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayDeque;
import java.util.Deque;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import speech.runtime.ops.GracefulShutdown;

/**
 * The 429 decision, made from the request line before any body is read. A work request (a POST under
 * /v1/) is admitted while fewer than {@code speech.admission.max-in-flight} are in flight, uploads
 * included. One more waits, body unread, in a FIFO of {@code speech.admission.max-waiting} for up to
 * {@code speech.admission.max-wait-ms} until a slot frees; only then, or when that line is full, does it
 * get 429. Waiting costs a connection and the socket's buffer; answering at once would make a client
 * without back-off send its whole upload again and again (each refused body is drained, up to
 * {@link BoundedDrain#MAX_BYTES}), which on a small machine takes the CPU from the admitted work.
 */
@ApplicationScoped
public class Admission {

    private record Waiter(RoutingContext ctx, Context context, long timer) {
    }

    private final int maxInFlight;
    private final int maxWaiting;
    private final long maxWaitMs;
    private final int retryAfterSeconds;
    private final Vertx vertx;
    private final GracefulShutdown shutdown;
    // Guarded by this: admission and hand-over happen on several event loops.
    private int inFlight;
    private final Deque<Waiter> waiting = new ArrayDeque<>();

    /**
     * @param maxInFlight work requests admitted at once: about the queue's workers + waiting slots (1 + 8),
     *                    so that the queue behind it rarely has to refuse one after its upload
     */
    Admission(Vertx vertx, GracefulShutdown shutdown,
              @ConfigProperty(name = "speech.admission.max-in-flight", defaultValue = "9") int maxInFlight,
              @ConfigProperty(name = "speech.admission.max-waiting", defaultValue = "64") int maxWaiting,
              @ConfigProperty(name = "speech.admission.max-wait-ms", defaultValue = "5000") long maxWaitMs,
              @ConfigProperty(name = "speech.admission.retry-after-seconds", defaultValue = "5") int retryAfterSeconds) {
        this.vertx = vertx;
        this.shutdown = shutdown;
        this.maxInFlight = maxInFlight;
        this.maxWaiting = maxWaiting;
        this.maxWaitMs = maxWaitMs;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 2).handler(this::admit);
    }

    private void admit(RoutingContext ctx) {
        if (!"POST".equals(ctx.request().method().name()) || !ctx.normalizedPath().startsWith("/v1/") || shutdown.refusing()) {
            ctx.next(); // (a stopping service answers 503 at once: no slot, no wait for one)
            return;
        }
        synchronized (this) {
            if (inFlight < maxInFlight && waiting.isEmpty()) {
                inFlight++;
            } else if (waiting.size() < maxWaiting && maxWaitMs > 0) {
                // Quarkus holds the request paused until a body handler is set, so it waits unread.
                Context context = vertx.getOrCreateContext();
                long timer = vertx.setTimer(maxWaitMs, id -> giveUp(ctx));
                waiting.addLast(new Waiter(ctx, context, timer));
                return;
            } else {
                refuse(ctx);
                return;
            }
        }
        proceed(ctx);
    }

    private void proceed(RoutingContext ctx) {
        ctx.addEndHandler(done -> release());
        ctx.next();
    }

    /** A slot freed: hand it to the oldest waiter whose client is still there. */
    private void release() {
        Waiter next;
        synchronized (this) {
            do {
                next = waiting.pollFirst();
            } while (next != null && next.ctx().response().closed());
            if (next == null) {
                inFlight--;
                return;
            }
            vertx.cancelTimer(next.timer());
        }
        Waiter admitted = next;
        admitted.context().runOnContext(v -> proceed(admitted.ctx()));
    }

    private void giveUp(RoutingContext ctx) {
        synchronized (this) {
            if (!waiting.removeIf(w -> w.ctx() == ctx)) {
                return; // admitted meanwhile
            }
        }
        if (ctx.response().closed()) {
            return;
        }
        if (shutdown.refusing()) {
            ctx.next(); // its 503 from the shutdown, not a 429 to retry here
        } else {
            refuse(ctx);
        }
    }

    private void refuse(RoutingContext ctx) {
        String body = Json.encode(ApiError.of(429, "busy", "the service is busy (" + maxInFlight + " requests in flight, "
                + maxWaiting + " waiting); retry after " + retryAfterSeconds + " s", null, null));
        ctx.response().setStatusCode(429).putHeader("Content-Type", "application/json")
                .putHeader("Retry-After", Integer.toString(retryAfterSeconds));
        BoundedDrain.thenAnswer(ctx, body);
    }
}
