package speech.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The encoder-like path: independent items from different requests run as one batch call. */
class ItemBatchTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    @Test
    void itemsArrivingWithinTheQueueDelayRunAsOneBatch() throws Exception {
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        StepModel<Item<Integer, Integer>, Integer> doubler = items -> {
            List<Integer> inputs = items.stream().map(Item::input).toList();
            batches.add(inputs);
            return inputs.stream().map(x -> 2 * x).toList();
        };
        // A long delay: the batch runs when it is full, so the test does not depend on timing.
        EngineLimits limits = EngineLimits.ofRows(3, 8, 1).withMaxQueueDelay(Duration.ofMinutes(1));
        try (BatchScheduler<Item<Integer, Integer>, Integer> encoder = new BatchScheduler<>("encoder", limits, doubler, null)) {
            List<Job<Void, Integer>> requests = new ArrayList<>();
            for (int x : List.of(10, 20, 30)) {
                Job<Void, Integer> request = encoder.open(TIMEOUT);
                Item<Integer, Integer> item = new Item<>(request, x);
                item.result().thenAccept(request::complete);
                encoder.submit(item);
                requests.add(request);
            }
            assertEquals(List.of(20, 40, 60), requests.stream().map(Job::await).toList());
            assertEquals(List.of(List.of(10, 20, 30)), batches);
            assertTrue(encoder.drain(Duration.ofSeconds(30)));
            assertEquals(3, encoder.stats().lastStepRows());
        }
    }

    @Test
    void anItemOfACancelledRequestIsDroppedNotRun() throws Exception {
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> seen = new CopyOnWriteArrayList<>();
        StepModel<Item<Integer, Integer>, Integer> model = items -> {
            items.forEach(i -> seen.add(i.input()));
            inStep.countDown();
            release.await(30, TimeUnit.SECONDS);
            return items.stream().map(Item::input).toList();
        };
        try (BatchScheduler<Item<Integer, Integer>, Integer> encoder =
                new BatchScheduler<>("encoder", EngineLimits.ofRows(1, 8, 1), model, null)) {
            Item<Integer, Integer> first = new Item<>(encoder.open(TIMEOUT), 1);
            encoder.submit(first);
            inStep.await(30, TimeUnit.SECONDS);
            Job<Void, Void> gone = encoder.open(TIMEOUT);
            Item<Integer, Integer> second = new Item<>(gone, 2);
            encoder.submit(second);
            gone.cancel();
            release.countDown();

            assertEquals(1, first.result().get(30, TimeUnit.SECONDS));
            assertThrows(CancellationException.class, () -> second.result().get(30, TimeUnit.SECONDS));
            assertEquals(List.of(1), seen);
        }
    }
}
