package speech.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import speech.runtime.engine.FakeModel.Seq;
import speech.runtime.http.ApiException;

/**
 * Random arrivals from several threads, lanes of 1–3 rows with random K/V costs, random cancels: no
 * step ever holds more rows, bytes or lanes per job than the limits, no slot is held twice or
 * reassigned while its lane runs, every finished sequence is exact, and everything is given back.
 */
class SlotPoolPropertyTest {

    @Test
    void slotsAndMemoryAreNeverOverAllocated() throws Exception {
        EngineLimits limits = EngineLimits.ofRows(6, 1_000, 1).withMemoryBudget(1_000).withMaxLanesPerJob(3);
        FakeModel model = new FakeModel(limits, false);
        try (BatchScheduler<Seq, Long> engine = new BatchScheduler<>("prop", limits, model, null)) {
            List<CompletableFuture<List<String>>> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = 42 + t;
                clients.add(CompletableFuture.supplyAsync(() -> client(engine, new Random(seed), 50)));
            }
            int checked = 0;
            for (CompletableFuture<List<String>> client : clients) {
                List<String> wrong = client.get(60, TimeUnit.SECONDS);
                assertTrue(wrong.isEmpty(), wrong::toString);
                checked++;
            }
            assertEquals(4, checked);
            assertTrue(engine.drain(Duration.ofSeconds(30)));
            assertTrue(model.violations.isEmpty(), model.violations::toString);
            assertEquals(0, engine.stats().slotsInUse());
            assertEquals(0, engine.stats().memoryInUse());
            assertTrue(model.trace.stream().anyMatch(step -> step.size() > 1), "some steps were batched");
        }
    }

    /** Opens {@code jobs} jobs one after another; returns what came out wrong. */
    private static List<String> client(BatchScheduler<Seq, Long> engine, Random random, int jobs) {
        List<String> wrong = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            Job<Long, String> job = openRetrying(engine);
            int lanes = 1 + random.nextInt(4);
            AtomicInteger left = new AtomicInteger(lanes);
            List<Seq> seqs = new ArrayList<>();
            for (int l = 0; l < lanes; l++) {
                int rows = 1 + random.nextInt(3);
                int[] tokens = FakeModel.tokens(1 + random.nextInt(8), random.nextInt(100));
                long seed = random.nextLong();
                seqs.add(new Seq(job, job.id() + "/" + l, seed, tokens, rows, random.nextInt(400), s -> {
                    if (!s.outputs.equals(FakeModel.expected(seed, tokens, rows))) {
                        wrong.add(s.name + " " + s.outputs);
                    }
                    if (left.decrementAndGet() == 0) {
                        job.complete("ok");
                    }
                }));
            }
            engine.submitAll(seqs);
            if (random.nextInt(5) == 0) {
                job.cancel();
            }
            job.result().handle((r, e) -> r).join();
            if (job.state() == Job.State.FAILED) {
                wrong.add(job + " failed");
            }
        }
        return wrong;
    }

    private static Job<Long, String> openRetrying(BatchScheduler<Seq, Long> engine) {
        while (true) {
            try {
                return engine.open(Duration.ofMinutes(1));
            } catch (ApiException e) {
                if (e.status() != 429) {
                    throw e;
                }
                Thread.onSpinWait(); // queue full for a moment: another client's job is about to start
            }
        }
    }
}
