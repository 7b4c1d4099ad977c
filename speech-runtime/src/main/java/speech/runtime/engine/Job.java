package speech.runtime.engine;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import speech.runtime.http.ApiException;

/**
 * One client request inside the engine: its deadline, its state, the outputs it streams and its final
 * result. Opened with {@link BatchScheduler#open} (which answers 429 when too many wait); its work is
 * the {@link Lane}s the service submits for it, to one scheduler or several (encoder, then decoder).
 *
 * <p>The job ends once: {@link #complete}, {@link #fail}, {@link #cancel} (client gone), its deadline
 * (504) or shutdown (503). Every scheduler holding its lanes frees them at its next step boundary.
 *
 * @param <P> an output streamed while the job runs (a segment, a chunk of audio)
 * @param <R> the final result
 */
public final class Job<P, R> {

    /** waiting → running → streaming → done | cancelled | failed (a timeout is a failure with 504). */
    public enum State { WAITING, RUNNING, STREAMING, DONE, CANCELLED, FAILED }

    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final Duration timeout;
    private final LongSupplier clock;
    private final long openedNanos;
    private final long deadlineNanos;
    private final int retryAfterSeconds;
    private final Consumer<? super P> listener;
    private final Consumer<Job<?, ?>> onStart;
    private final CompletableFuture<R> result = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean streaming;

    Job(Duration timeout, LongSupplier clock, int retryAfterSeconds, Consumer<? super P> listener, Consumer<Job<?, ?>> onStart) {
        this.timeout = timeout;
        this.clock = clock;
        this.openedNanos = clock.getAsLong();
        this.deadlineNanos = openedNanos + timeout.toNanos();
        this.retryAfterSeconds = retryAfterSeconds;
        this.listener = listener;
        this.onStart = onStart;
    }

    public long id() {
        return id;
    }

    public State state() {
        if (result.isCancelled()) {
            return State.CANCELLED;
        }
        if (result.isCompletedExceptionally()) {
            return State.FAILED;
        }
        if (result.isDone()) {
            return State.DONE;
        }
        return streaming ? State.STREAMING : started.get() ? State.RUNNING : State.WAITING;
    }

    public boolean isDone() {
        return result.isDone();
    }

    /**
     * The final result. {@code result().cancel(…)} cancels the job like {@link #cancel()}; callbacks
     * chained here may run on a loop thread, so keep them short.
     */
    public CompletableFuture<R> result() {
        return result;
    }

    /**
     * Hands a streamed output to the job's listener, on the thread that calls it (a loop thread). The
     * listener must not block; an exception from it (the client went away) fails the job.
     */
    public void emit(P output) {
        if (!result.isDone()) {
            streaming = true;
            listener.accept(output);
        }
    }

    public boolean complete(R value) {
        return result.complete(value);
    }

    public boolean fail(Throwable error) {
        return result.completeExceptionally(error);
    }

    /** The client is gone: the job's lanes are freed at the next step boundary. */
    public boolean cancel() {
        return result.cancel(false);
    }

    /**
     * Waits for the result until the deadline, on the caller's thread, with the answers of the
     * runtime's InferenceQueue: past the deadline 504, cancelled 503, a failure rethrown as is.
     */
    public R await() {
        try {
            return result.get(Math.max(0, deadlineNanos - clock.getAsLong()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            expire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            throw ApiException.unavailable("interrupted", "the request was interrupted", retryAfterSeconds);
        } catch (CancellationException | ExecutionException e) {
            // outcome() below says which
        }
        return outcome();
    }

    private R outcome() {
        try {
            return result.join();
        } catch (CancellationException e) {
            throw ApiException.unavailable("cancelled", "the request was cancelled", retryAfterSeconds);
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    long openedNanos() {
        return openedNanos;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    /** Past the deadline: 504, as InferenceQueue answers it. */
    boolean expire() {
        return fail(ApiException.timedOut("the request took longer than " + timeout.toSeconds() + " s and was cancelled"));
    }

    /** True the first time one of the job's lanes is admitted anywhere; the job then leaves its queue. */
    boolean markStarted() {
        if (!started.compareAndSet(false, true)) {
            return false;
        }
        onStart.accept(this);
        return true;
    }

    /** Why a lane of this ended job leaves without finishing. */
    Throwable endReason() {
        try {
            result.join();
            return new CancellationException("job " + id + " already completed");
        } catch (CancellationException e) {
            return e;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Override
    public String toString() {
        return "Job[" + id + ", " + state() + "]";
    }
}
