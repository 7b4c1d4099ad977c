package speech.runtime.engine;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import speech.runtime.http.ApiException;

/**
 * The bounded queue in front of a scheduler: opens jobs while fewer than {@code capacity} wait for
 * their first lane, else 429 with Retry-After; 503 once shutdown began. Knows which jobs are open, so
 * shutdown can wait for them and then fail the rest.
 */
final class JobQueue {

    private final String name;
    private final int capacity;
    private final int retryAfterSeconds;
    private final LongSupplier clock;
    private final Set<Job<?, ?>> open = ConcurrentHashMap.newKeySet();
    private final Set<Job<?, ?>> queued = ConcurrentHashMap.newKeySet();
    private volatile boolean accepting = true;

    JobQueue(String name, int capacity, int retryAfterSeconds, LongSupplier clock) {
        this.name = name;
        this.capacity = capacity;
        this.retryAfterSeconds = retryAfterSeconds;
        this.clock = clock;
    }

    /** Opens a job; {@code onEnd} runs (on whichever thread ends it) once it is no longer open. */
    synchronized <P, R> Job<P, R> open(Duration timeout, Consumer<? super P> listener, Runnable onEnd) {
        if (!accepting) {
            throw ApiException.unavailable("shutting_down", "the service is shutting down; retry on another instance", retryAfterSeconds);
        }
        if (queued.size() >= capacity) {
            throw ApiException.busy("the " + name + " queue is full (" + queued.size() + " waiting); retry after "
                    + retryAfterSeconds + " s", retryAfterSeconds);
        }
        Job<P, R> job = new Job<>(timeout, clock, retryAfterSeconds, listener, queued::remove);
        queued.add(job);
        open.add(job);
        job.result().whenComplete((r, e) -> {
            queued.remove(job);
            open.remove(job);
            onEnd.run();
        });
        return job;
    }

    /** Jobs opened here with no lane admitted yet. */
    int queued() {
        return queued.size();
    }

    boolean noneOpen() {
        return open.isEmpty();
    }

    void stopAccepting() {
        accepting = false;
    }

    void failAll() {
        open.forEach(job -> job.fail(shutDown()));
    }

    ApiException shutDown() {
        return ApiException.unavailable("shutting_down", "the service shut down before the request finished", retryAfterSeconds);
    }
}
