package speech.runtime.ops;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import speech.runtime.engine.BatchScheduler;
import speech.runtime.http.ApiError;
import speech.runtime.work.InferenceQueue;

/**
 * Graceful shutdown in the order a load balancer needs it. On SIGTERM:
 * <ol>
 *   <li>readiness ({@code /q/health/ready}, {@link AcceptingRequestsCheck}) goes DOWN at once, while requests are still served for
 *       {@code quarkus.shutdown.delay}, so the load balancer stops routing here first;</li>
 *   <li>after the delay, new {@code /v1/**} requests get 503 {@code shutting_down} with Retry-After;
 *       requests already in flight go on, and Quarkus waits up to {@code quarkus.shutdown.timeout}
 *       for them;</li>
 *   <li>on {@link ShutdownEvent}, before anything else closes, every {@link InferenceQueue} and
 *       {@link BatchScheduler} bean drains (again up to {@code quarkus.shutdown.timeout}), so models
 *       close with no job running.</li>
 * </ol>
 * Step 1 needs {@code quarkus.shutdown.delay-enabled=true} at build time (speech-runtime ships it as
 * a default); without it, steps 1 and 2 start together when the application stops.
 */
@ApplicationScoped
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);

    private final Duration delay;
    private final Duration timeout;
    private final int retryAfterSeconds;
    private final Instance<InferenceQueue> queues;
    private final Instance<BatchScheduler<?, ?>> engines;

    private volatile boolean shuttingDown;
    /** {@link System#nanoTime()} from which new API requests are refused; null while serving. */
    private volatile Long refuseFromNanos;
    /** {@link System#nanoTime()} when the shutdown began; null while serving. */
    private volatile Long beganNanos;

    GracefulShutdown(@ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> delay,
            @ConfigProperty(name = "quarkus.shutdown.timeout") Optional<Duration> timeout,
            @ConfigProperty(name = "speech.shutdown.retry-after", defaultValue = "5") int retryAfterSeconds,
            Instance<InferenceQueue> queues, Instance<BatchScheduler<?, ?>> engines) {
        this.delay = delay.orElse(Duration.ZERO);
        this.timeout = timeout.orElse(Duration.ofSeconds(30));
        this.retryAfterSeconds = retryAfterSeconds;
        this.queues = queues;
        this.engines = engines;
    }

    /** Step 1: fired by Quarkus before its shutdown delay when {@code quarkus.shutdown.delay-enabled}. */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        begin(delay);
    }

    /** Step 3: drains the inference queues before the beans that hold the models are destroyed. */
    void onShutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        begin(Duration.ZERO);
        drainQueues();
    }

    /** Readiness goes DOWN now; new API requests are refused once {@code refuseAfter} has passed. */
    public synchronized void begin(Duration refuseAfter) {
        long refuseFrom = System.nanoTime() + refuseAfter.toNanos();
        if (refuseFromNanos == null || refuseFromNanos - refuseFrom > 0) {
            refuseFromNanos = refuseFrom;
        }
        if (!shuttingDown) {
            beganNanos = System.nanoTime();
            shuttingDown = true;
            LOG.infof("shutting down: readiness DOWN; new /v1 requests get 503 in %d ms; in-flight requests get up to %d s",
                    refuseAfter.toMillis(), timeout.toSeconds());
        }
    }

    /**
     * Waits for the accepted inference jobs to finish, until {@code quarkus.shutdown.delay + timeout}
     * after the shutdown began (the same budget the HTTP wait had), so the whole shutdown stays within
     * the orchestrator's grace period.
     */
    public boolean drainQueues() {
        long start = System.nanoTime();
        Long began = beganNanos;
        long deadline = Math.max(start, (began == null ? start : began + delay.toNanos()) + timeout.toNanos());
        boolean drained = true;
        try {
            for (InferenceQueue queue : queues) {
                LOG.infof("shutting down: draining an inference queue (%d running, %d waiting)", queue.running(), queue.depth());
                drained &= queue.drain(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
            for (BatchScheduler<?, ?> engine : engines) {
                LOG.infof("shutting down: draining an engine (%s)", engine.stats());
                drained &= engine.drain(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (drained) {
            LOG.infof("shutting down: inference queues drained in %d ms", (System.nanoTime() - start) / 1_000_000);
        } else {
            LOG.warnf("shutting down: inference jobs still running after the %d s grace period; they are cut off",
                    (delay.plus(timeout)).toSeconds());
        }
        return drained;
    }

    public boolean shuttingDown() {
        return shuttingDown;
    }

    /** New API requests are answered 503 now (the shutdown delay is over). */
    public boolean refusing() {
        Long refuseFrom = refuseFromNanos;
        return refuseFrom != null && System.nanoTime() - refuseFrom >= 0;
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION - 100)
    public Response refuseWhenStopping(ContainerRequestContext request) {
        if (!refusing() || !OpsPaths.isApi(request.getUriInfo().getPath())) {
            return null;
        }
        return shuttingDownAnswer();
    }

    /**
     * 503 {@code shutting_down} with Retry-After: for new requests once refusing, and for a request accepted before
     * that whose work the shutdown cut off (past the grace period its queue, models and database close under it).
     */
    public Response shuttingDownAnswer() {
        return Response.status(503).type(MediaType.APPLICATION_JSON_TYPE).header("Retry-After", retryAfterSeconds)
                .entity(ApiError.of(503, "shutting_down", "this instance is shutting down; retry (another instance will answer)", null, null))
                .build();
    }
}
