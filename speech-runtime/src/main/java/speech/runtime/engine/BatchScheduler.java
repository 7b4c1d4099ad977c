package speech.runtime.engine;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;
import speech.runtime.http.ApiException;

/**
 * Continuous batching for one model, in vLLM's shape: one loop thread owns admission, batching,
 * deadlines and cancellation; the {@link StepModel} only runs a step on the lanes it is handed. Each
 * iteration (a step boundary):
 * <ol>
 *   <li>takes the lanes submitted since the last boundary;</li>
 *   <li>frees the slots of lanes whose job ended (cancelled, past its deadline → 504, failed, completed);</li>
 *   <li>admits waiting lanes while slots and memory budget allow, fairest first ({@link WaitingLanes});</li>
 *   <li>calls {@code model.step(running)} once, gives every lane its output, retires the finished ones.</li>
 * </ol>
 * Lanes join and leave between steps. In front sits a bounded queue: at most {@code queueCapacity}
 * opened jobs may wait for their first lane; one more gets 429 with Retry-After. See docs/engine.md.
 */
public final class BatchScheduler<L extends Lane<O>, O> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BatchScheduler.class);

    private final String name;
    private final EngineLimits limits;
    private final StepModel<L, O> model;
    private final LongSupplier clock;

    // Loop thread only.
    private final WaitingLanes<L> waiting = new WaitingLanes<>();
    private final RunningLanes<L> running;
    private long steps;
    private long rowsStepped;
    private int lastStepRows;
    private boolean freshBatch;
    private long batchOpenedNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeup = lock.newCondition();
    private final Condition settled = lock.newCondition();
    private final List<L> arrivals = new ArrayList<>(); // guarded by lock
    private boolean woken; // guarded by lock
    private boolean stopping; // guarded by lock
    private volatile EngineStats stats;
    private final JobQueue jobs;
    private final EngineMetrics metrics;
    private final Thread loop;

    public BatchScheduler(String name, EngineLimits limits, StepModel<L, O> model, MeterRegistry registry) {
        this(name, limits, model, registry, System::nanoTime);
    }

    /** With a clock for deadlines, so tests can move time. */
    BatchScheduler(String name, EngineLimits limits, StepModel<L, O> model, MeterRegistry registry, LongSupplier clock) {
        this.name = name;
        this.limits = limits;
        this.model = model;
        this.clock = clock;
        this.running = new RunningLanes<>(limits.rows(), limits.memoryBudget());
        this.jobs = new JobQueue(name, limits.queueCapacity(), limits.retryAfterSeconds(), clock);
        this.stats = snapshot();
        this.metrics = new EngineMetrics(name, registry, this::stats);
        this.loop = new Thread(this::run, name + "-engine");
        loop.setDaemon(true);
        loop.start();
    }

    /** Opens a job that streams nothing. */
    public <P, R> Job<P, R> open(Duration timeout) {
        return open(timeout, output -> { });
    }

    /**
     * Opens a job with a deadline {@code timeout} from now, or answers 429 (Retry-After) when
     * {@code queueCapacity} jobs already wait for their first lane, 503 once shutdown began.
     * {@code listener} receives what the job's lanes {@link Job#emit}, on the loop thread.
     */
    public <P, R> Job<P, R> open(Duration timeout, Consumer<? super P> listener) {
        return jobs.open(timeout, listener, this::wake);
    }

    /**
     * Queues a lane for admission at the next step boundary; from any thread, also from a lane's
     * {@code advance}. A lane that could never fit these limits fails its job with 400.
     */
    public void submit(L lane) {
        submitAll(List.of(lane));
    }

    /** Queues lanes that arrive together (a long file's windows): the same boundary sees them all. */
    public void submitAll(List<? extends L> lanes) {
        lock.lock();
        try {
            for (L lane : lanes) {
                if (lane.rows() < 1 || lane.rows() > limits.rows() || lane.cost() > limits.memoryBudget()) {
                    lane.job().fail(ApiException.badRequest("exceeds_engine_limits", "one piece of work needs " + lane.rows()
                            + " rows and " + lane.cost() + " bytes; the " + name + " engine runs at most " + limits.rows()
                            + " rows in " + limits.memoryBudget() + " bytes"));
                } else if (stopping) {
                    lane.job().fail(jobs.shutDown());
                } else {
                    arrivals.add(lane);
                }
            }
            wakeup.signal();
        } finally {
            lock.unlock();
        }
    }

    public EngineStats stats() {
        return stats;
    }

    public EngineLimits limits() {
        return limits;
    }

    /**
     * Stops opening jobs (503) and waits up to {@code grace} until the open jobs ended and no lane is
     * left; true when that happened in time.
     */
    public boolean drain(Duration grace) throws InterruptedException {
        long end = System.nanoTime() + grace.toNanos();
        jobs.stopAccepting();
        lock.lock();
        try {
            while (!jobs.noneOpen() || !arrivals.isEmpty() || stats.waitingLanes() + stats.runningLanes() > 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                settled.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Fails what is left with 503 after the step in progress, and stops the loop thread. */
    @Override
    public void close() {
        jobs.stopAccepting();
        lock.lock();
        try {
            stopping = true;
            wakeup.signal();
        } finally {
            lock.unlock();
        }
        try {
            loop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jobs.failAll();
    }

    private void wake() {
        lock.lock();
        try {
            woken = true;
            wakeup.signal();
            settled.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        try {
            while (takeArrivals()) {
                long now = clock.getAsLong();
                dropEnded(now);
                admit(now);
                publish();
                if (running.isEmpty()) {
                    await(Long.MAX_VALUE);
                } else if (fillingBatch(now)) {
                    await(batchOpenedNanos + limits.maxQueueDelay().toNanos() - now);
                } else {
                    step();
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "%s engine: the loop failed; failing its jobs", name);
            throw e;
        } finally {
            stop();
        }
    }

    /** Closing, or the loop failed: later lanes are refused, every job with lanes here fails with 503. */
    private void stop() {
        jobs.stopAccepting();
        lock.lock();
        try {
            stopping = true;
        } finally {
            lock.unlock();
        }
        takeArrivals();
        running.lanes().forEach(lane -> lane.job().fail(jobs.shutDown()));
        waiting.jobs().forEach(job -> job.fail(jobs.shutDown()));
        dropEnded(clock.getAsLong());
        publish();
    }

    /** Moves submitted lanes into the waiting set; false once the scheduler is closing. */
    private boolean takeArrivals() {
        lock.lock();
        try {
            arrivals.forEach(waiting::add);
            arrivals.clear();
            woken = false;
            return !stopping;
        } finally {
            lock.unlock();
        }
    }

    /** Expires jobs past their deadline and frees the lanes of every job that ended. */
    private void dropEnded(long now) {
        running.lanes().forEach(lane -> expireIfLate(lane.job(), now));
        waiting.jobs().forEach(job -> expireIfLate(job, now));
        running.removeEnded(lane -> lane.dropped(lane.job().endReason()));
        waiting.removeEnded(lane -> lane.dropped(lane.job().endReason()));
    }

    private static void expireIfLate(Job<?, ?> job, long now) {
        if (!job.isDone() && now - job.deadlineNanos() >= 0) {
            job.expire();
        }
    }

    /** Admits the fairest waiting lane while it fits; a lane that does not fit waits at the head, unstarved. */
    private void admit(long now) {
        for (L lane; (lane = waiting.next(running::of, limits.maxLanesPerJob())) != null; ) {
            if (!running.fits(lane)) {
                return;
            }
            waiting.remove(lane);
            if (running.isEmpty()) {
                freshBatch = true;
                batchOpenedNanos = now;
            }
            running.add(lane);
            if (lane.job().markStarted()) {
                metrics.queueWait(now - lane.job().openedNanos());
            }
        }
    }

    /** A batch started from idle, not full, within its max queue delay: wait for more items. */
    private boolean fillingBatch(long now) {
        return freshBatch && !running.full() && now - batchOpenedNanos < limits.maxQueueDelay().toNanos();
    }

    private void step() {
        List<L> batch = List.copyOf(running.lanes());
        int rows = batch.stream().mapToInt(Lane::rows).sum();
        steps++;
        rowsStepped += rows;
        lastStepRows = rows;
        freshBatch = false;
        metrics.step(rows);
        List<O> outputs;
        try {
            outputs = model.step(batch);
            if (outputs.size() != batch.size()) {
                throw new IllegalStateException(name + " step returned " + outputs.size() + " outputs for " + batch.size() + " lanes");
            }
        } catch (Exception e) {
            LOG.errorf(e, "%s engine: a step over %d lanes failed; failing their jobs", name, batch.size());
            batch.forEach(lane -> lane.job().fail(e instanceof RuntimeException ? e : new IllegalStateException(e)));
            return; // their lanes are freed at the next boundary
        }
        for (int i = 0; i < batch.size(); i++) {
            L lane = batch.get(i);
            if (lane.job().isDone()) {
                continue;
            }
            boolean finished;
            try {
                finished = lane.advance(outputs.get(i));
            } catch (RuntimeException e) {
                lane.job().fail(e); // its lanes are freed at the next boundary
                continue;
            }
            if (finished) {
                running.retire(lane);
            }
        }
    }

    private void await(long nanos) {
        lock.lock();
        try {
            settled.signalAll();
            if (arrivals.isEmpty() && !woken && !stopping && nanos > 0) {
                wakeup.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void publish() {
        stats = snapshot();
        lock.lock();
        try {
            settled.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private EngineStats snapshot() {
        return new EngineStats(name, limits.rows(), limits.memoryBudget(), jobs.queued(), waiting.size(),
                running.lanes().size(), running.slotsInUse(), running.memoryInUse(), steps, lastStepRows,
                steps == 0 ? 0 : (double) rowsStepped / steps);
    }
}
