package speech.runtime.work;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import speech.runtime.http.ApiException;

/**
 * Bounded work queue in front of the models: {@code concurrency} workers, at most {@code capacity}
 * waiting jobs. A full queue answers 429 with Retry-After at once instead of letting requests pile
 * up; a job over its deadline is cancelled and answered 504.
 */
public final class InferenceQueue implements AutoCloseable {

    private final String name;
    private final ThreadPoolExecutor executor;
    private final AtomicInteger running = new AtomicInteger();
    private final int retryAfterSeconds;

    public InferenceQueue(String name, int concurrency, int capacity, int retryAfterSeconds, MeterRegistry registry) {
        this.name = name;
        this.retryAfterSeconds = retryAfterSeconds;
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(1, capacity)), r -> {
                    Thread t = new Thread(r, name + "-worker-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        if (registry != null) {
            Gauge.builder("speech_queue_depth", executor, e -> e.getQueue().size())
                    .description("jobs waiting for a worker").tag("queue", name).register(registry);
            Gauge.builder("speech_queue_running", running, AtomicInteger::get)
                    .description("jobs running now").tag("queue", name).register(registry);
        }
    }

    /** Runs the job on a worker and waits for it; the caller's thread only waits. */
    public <T> T submit(Callable<T> job, Duration timeout) {
        Future<T> future;
        try {
            future = executor.submit(() -> {
                running.incrementAndGet();
                try {
                    return job.call();
                } finally {
                    running.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            throw executor.isShutdown()
                    ? ApiException.unavailable("shutting_down", "the service is shutting down; retry on another instance", retryAfterSeconds)
                    : ApiException.busy("the " + name + " queue is full (" + executor.getQueue().size()
                            + " waiting); retry after " + retryAfterSeconds + " s", retryAfterSeconds);
        }
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw ApiException.timedOut("the request took longer than " + timeout.toSeconds() + " s and was cancelled");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted", "the request was interrupted", retryAfterSeconds);
        } catch (CancellationException e) {
            throw ApiException.unavailable("cancelled", "the request was cancelled", retryAfterSeconds);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        }
    }

    public int depth() {
        return executor.getQueue().size();
    }

    public int running() {
        return running.get();
    }

    /** Stops taking jobs; waits up to {@code grace} for the ones already accepted. */
    public boolean drain(Duration grace) throws InterruptedException {
        executor.shutdown();
        return executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
