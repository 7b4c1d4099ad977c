package speech.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import speech.runtime.engine.FakeModel.Seq;
import speech.runtime.http.ApiException;

/** The scheduler against a fake model with real per-slot state; steps are gated, never slept on. */
class BatchSchedulerTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private final List<BatchScheduler<?, ?>> engines = new ArrayList<>();

    @AfterEach
    void closeEngines() {
        engines.forEach(BatchScheduler::close);
    }

    /** One job, one sequence: its result is the sequence's outputs. */
    record Run(Job<Long, List<Long>> job, Seq seq) {
        List<Long> result() throws Exception {
            return job.result().get(30, TimeUnit.SECONDS);
        }
    }

    private BatchScheduler<Seq, Long> engine(EngineLimits limits, FakeModel model) {
        return engine(limits, model, System::nanoTime);
    }

    private BatchScheduler<Seq, Long> engine(EngineLimits limits, FakeModel model, java.util.function.LongSupplier clock) {
        BatchScheduler<Seq, Long> engine = new BatchScheduler<>("test", limits, model, null, clock);
        engines.add(engine);
        return engine;
    }

    private static Run run(BatchScheduler<Seq, Long> engine, String name, long seed, int[] tokens) {
        Job<Long, List<Long>> job = engine.open(TIMEOUT);
        Seq seq = new Seq(job, name, seed, tokens, 1, 0, s -> job.complete(List.copyOf(s.outputs)));
        engine.submit(seq);
        return new Run(job, seq);
    }

    @Test
    void batchedResultsEqualEachSequenceRunAlone() throws Exception {
        EngineLimits limits = EngineLimits.ofRows(4, 16, 1);
        FakeModel model = new FakeModel(limits, true);
        BatchScheduler<Seq, Long> engine = engine(limits, model);
        List<Run> runs = new ArrayList<>();
        int[] lengths = {7, 1, 12, 4, 9, 3};
        runs.add(run(engine, "r0", 100, FakeModel.tokens(lengths[0], 0)));
        model.awaitStep(); // the loop is busy: the others arrive together and are batched
        for (int i = 1; i < lengths.length; i++) {
            runs.add(run(engine, "r" + i, 100 + i, FakeModel.tokens(lengths[i], i)));
        }
        model.open();

        EngineLimits alone = EngineLimits.ofRows(1, 16, 1);
        BatchScheduler<Seq, Long> sequential = engine(alone, new FakeModel(alone, false));
        for (int i = 0; i < lengths.length; i++) {
            List<Long> batched = runs.get(i).result();
            assertEquals(FakeModel.expected(100 + i, FakeModel.tokens(lengths[i], i), 1), batched);
            assertEquals(run(sequential, "s" + i, 100 + i, FakeModel.tokens(lengths[i], i)).result(), batched);
        }
        assertEquals(List.of("r0", "r1", "r2", "r3"), model.trace.get(1), "four rows in the second step");
        assertTrue(model.violations.isEmpty(), model.violations::toString);
    }

    @Test
    void aRequestJoinsBetweenStepsOfARunningOne() throws Exception {
        EngineLimits limits = EngineLimits.ofRows(4, 16, 1);
        FakeModel model = new FakeModel(limits, true);
        BatchScheduler<Seq, Long> engine = engine(limits, model);
        List<String> finished = new CopyOnWriteArrayList<>();
        Run longRun = run(engine, "long", 1, FakeModel.tokens(10, 0));
        longRun.job().result().thenRun(() -> finished.add("long"));
        assertEquals(List.of("long"), model.awaitStep());
        model.release(1);
        assertEquals(List.of("long"), model.awaitStep());
        Run shortRun = run(engine, "short", 2, FakeModel.tokens(3, 5));
        shortRun.job().result().thenRun(() -> finished.add("short"));
        model.release(1);
        assertEquals(List.of("long", "short"), model.awaitStep(), "joined at the next step boundary");
        model.open();

        assertEquals(FakeModel.expected(2, FakeModel.tokens(3, 5), 1), shortRun.result());
        assertEquals(FakeModel.expected(1, FakeModel.tokens(10, 0), 1), longRun.result());
        assertEquals(List.of("short", "long"), finished);
    }

    /** A long file's six windows, two rows: a short request takes the next free slot, not the seventh. */
    @Test
    void aShortRequestIsNotStarvedByALongFilesWindows() throws Exception {
        EngineLimits limits = EngineLimits.ofRows(2, 16, 1);
        FakeModel model = new FakeModel(limits, true);
        BatchScheduler<Seq, Long> engine = engine(limits, model);
        Job<Long, String> longFile = engine.open(TIMEOUT);
        AtomicInteger windowsLeft = new AtomicInteger(6);
        List<Seq> windows = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            windows.add(new Seq(longFile, "w" + w, w, FakeModel.tokens(4, w), 1, 0, s -> {
                if (windowsLeft.decrementAndGet() == 0) {
                    longFile.complete("done");
                }
            }));
        }
        engine.submitAll(windows);
        assertEquals(List.of("w0", "w1"), model.awaitStep());
        Run shortRun = run(engine, "short", 9, FakeModel.tokens(2, 9));
        model.open();

        assertEquals(FakeModel.expected(9, FakeModel.tokens(2, 9), 1), shortRun.result());
        assertEquals("done", longFile.result().get(30, TimeUnit.SECONDS));
        assertEquals(List.of("w2", "short"), model.trace.get(4), "admitted as soon as a slot freed");
        assertFalse(model.trace.stream().limit(6).anyMatch(step -> step.contains("w3")), "w3 waited for the short one");
    }

    @Test
    void aPerJobCapLeavesRoomForAShortRequestAtOnce() throws Exception {
        EngineLimits limits = EngineLimits.ofRows(2, 16, 1).withMaxLanesPerJob(1);
        FakeModel model = new FakeModel(limits, true);
        BatchScheduler<Seq, Long> engine = engine(limits, model);
        Job<Long, String> longFile = engine.open(TIMEOUT);
        for (int w = 0; w < 3; w++) {
            engine.submit(new Seq(longFile, "w" + w, w, FakeModel.tokens(3, w), 1, 0, s -> { }));
        }
        assertEquals(List.of("w0"), model.awaitStep());
        run(engine, "short", 9, FakeModel.tokens(2, 9));
        model.release(1);
        assertEquals(List.of("w0", "short"), model.awaitStep());
        longFile.cancel();
        model.open();
        assertTrue(model.violations.isEmpty(), model.violations::toString);
    }

    @Test
    void cancellingFreesTheSlotAtTheNextStep() throws Exception {
        EngineLimits limits = EngineLimits.ofRows(1, 16, 1);
        FakeModel model = new FakeModel(limits, true);
        BatchScheduler<Seq, Long> engine = engine(limits, model);
        Run endless = run(engine, "endless", 1, FakeModel.tokens(1_000_000, 0));
        assertEquals(List.of("endless"), model.awaitStep());
        Run next = run(engine, "next", 2, FakeModel.tokens(2, 0));
        model.release(1);
        assertEquals(List.of("endless"), model.awaitStep());
        endless.job().result().cancel(true); // the client went away during this step
        model.release(1);

        assertEquals(List.of("next"), model.awaitStep(), "the cancelled lane's slot went to the waiting one");
        model.open();
        assertEquals(FakeModel.expected(2, FakeModel.tokens(2, 0), 1), next.result());
        assertInstanceOf(CancellationException.class, endless.seq().droppedFor);
        assertEquals(Job.State.CANCELLED, endless.job().state());
        ApiException e = assertThrows(ApiException.class, () -> endless.job().await());
        assertEquals(503, e.status());
    }

    @Test
    void aRequestPastItsDeadlineGets504AndItsSlotIsFreed() throws Exception {
        AtomicLong now = new AtomicLong();
        EngineLimits limits = EngineLimits.ofRows(1, 16, 1);
        FakeModel model = new FakeModel(limits, true);
        BatchScheduler<Seq, Long> engine = engine(limits, model, now::get);
        Job<Long, List<Long>> late = engine.open(Duration.ofSeconds(10));
        Seq lateSeq = new Seq(late, "late", 1, FakeModel.tokens(1_000, 0), 1, 0, s -> { });
        engine.submit(lateSeq);
        assertEquals(List.of("late"), model.awaitStep());
        Run next = run(engine, "next", 2, FakeModel.tokens(2, 0));
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        model.release(1);

        assertEquals(List.of("next"), model.awaitStep());
        model.open();
        ApiException e = assertThrows(ApiException.class, late::await);
        assertEquals(504, e.status());
        assertEquals("timeout", e.code());
        assertEquals(e, lateSeq.droppedFor);
        assertEquals(FakeModel.expected(2, FakeModel.tokens(2, 0), 1), next.result());
    }

    @Test
    void aFullQueueAnswers429WithRetryAfter() throws Exception {
        EngineLimits limits = EngineLimits.ofRows(1, 2, 7);
        FakeModel model = new FakeModel(limits, true);
        BatchScheduler<Seq, Long> engine = engine(limits, model);
        Run first = run(engine, "first", 1, FakeModel.tokens(2, 0));
        model.awaitStep(); // first is admitted: it no longer waits
        Job<Long, String> second = engine.open(TIMEOUT);
        engine.open(TIMEOUT);

        ApiException e = assertThrows(ApiException.class, () -> engine.open(TIMEOUT));
        assertEquals(429, e.status());
        assertEquals("queue_full", e.code());
        assertEquals(7, e.retryAfterSeconds());
        second.cancel();
        engine.open(TIMEOUT); // a cancelled job leaves the queue
        model.open();
        assertEquals(FakeModel.expected(1, FakeModel.tokens(2, 0), 1), first.result());
    }

    @Test
    void shutdownDrainsAcceptedWorkThenCancelsWhatIsLeft() throws Exception {
        EngineLimits limits = EngineLimits.ofRows(2, 16, 3);
        FakeModel model = new FakeModel(limits, true);
        BatchScheduler<Seq, Long> engine = engine(limits, model);
        Run accepted = run(engine, "accepted", 1, FakeModel.tokens(3, 0));
        model.awaitStep();
        assertFalse(engine.drain(Duration.ZERO), "still running");
        ApiException refused = assertThrows(ApiException.class, () -> engine.open(TIMEOUT));
        assertEquals(503, refused.status());
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
            try {
                return engine.drain(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        model.open();
        assertTrue(drained.get(30, TimeUnit.SECONDS));
        assertEquals(FakeModel.expected(1, FakeModel.tokens(3, 0), 1), accepted.result());

        FakeModel endlessModel = new FakeModel(limits, true);
        BatchScheduler<Seq, Long> other = engine(limits, endlessModel);
        Run endless = run(other, "endless", 1, FakeModel.tokens(1_000_000, 0));
        Job<Long, String> idle = other.open(TIMEOUT); // e.g. still decoding its upload
        endlessModel.awaitStep();
        assertFalse(other.drain(Duration.ZERO));
        endlessModel.open();
        other.close();
        ApiException cut = assertThrows(ApiException.class, () -> endless.job().await());
        assertEquals(503, cut.status());
        assertEquals("shutting_down", cut.code());
        assertEquals(503, assertThrows(ApiException.class, idle::await).status());
        assertEquals(cut, endless.seq().droppedFor);
        assertEquals(0, other.stats().slotsInUse());
    }

    @Test
    void outputsStreamStepByStepBeforeTheJobEnds() throws Exception {
        EngineLimits limits = EngineLimits.ofRows(1, 16, 1);
        FakeModel model = new FakeModel(limits, true);
        BatchScheduler<Seq, Long> engine = engine(limits, model);
        BlockingQueue<Long> streamed = new LinkedBlockingQueue<>();
        Job<Long, List<Long>> job = engine.open(TIMEOUT, streamed::add);
        engine.submit(new Seq(job, "s", 5, FakeModel.tokens(3, 1), 1, 0, s -> job.complete(List.copyOf(s.outputs))));
        List<Long> expected = FakeModel.expected(5, FakeModel.tokens(3, 1), 1);

        model.awaitStep();
        model.release(1);
        assertEquals(expected.get(0), streamed.poll(30, TimeUnit.SECONDS));
        assertEquals(Job.State.STREAMING, job.state());
        model.open();
        assertEquals(expected, job.result().get(30, TimeUnit.SECONDS));
        assertEquals(expected.subList(1, 3), List.of(streamed.take(), streamed.take()));
    }

    @Test
    void aFailingStepFailsItsJobsAndTheEngineGoesOn() throws Exception {
        EngineLimits limits = EngineLimits.ofRows(1, 16, 1).withMemoryBudget(100);
        FakeModel model = new FakeModel(limits, false);
        BatchScheduler<Seq, Long> engine = engine(limits, model);
        Job<Long, String> poisoned = engine.open(TIMEOUT);
        engine.submit(new Seq(poisoned, "poisoned", 1, new int[0], 1, 0, s -> { })); // the model indexes past the end
        assertInstanceOf(ArrayIndexOutOfBoundsException.class,
                assertThrows(java.util.concurrent.ExecutionException.class, () -> poisoned.result().get(30, TimeUnit.SECONDS)).getCause());

        Job<Long, String> huge = engine.open(TIMEOUT);
        engine.submit(new Seq(huge, "huge", 1, FakeModel.tokens(2, 0), 1, 101, s -> { }));
        assertEquals(400, assertThrows(ApiException.class, huge::await).status());

        assertEquals(FakeModel.expected(3, FakeModel.tokens(2, 0), 1), run(engine, "fine", 3, FakeModel.tokens(2, 0)).result());
    }
}
