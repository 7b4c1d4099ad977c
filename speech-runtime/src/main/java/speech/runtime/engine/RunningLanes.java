package speech.runtime.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The lanes in the batch and what they hold: slots from the pool, bytes of the memory budget, a
 * count per job for fair admission. The scheduler asks {@link #fits} before it admits. Loop thread only.
 */
final class RunningLanes<L extends Lane<?>> {

    private final SlotPool slots;
    private final long memoryBudget;
    private final List<L> lanes = new ArrayList<>();
    private final Map<Job<?, ?>, Integer> perJob = new HashMap<>();
    private long memoryInUse;

    RunningLanes(int rows, long memoryBudget) {
        this.slots = new SlotPool(rows);
        this.memoryBudget = memoryBudget;
    }

    boolean fits(L lane) {
        return lane.rows() <= slots.free() && lane.cost() <= memoryBudget - memoryInUse;
    }

    void add(L lane) {
        lane.hold(slots.take(lane.rows()));
        memoryInUse += lane.cost();
        perJob.merge(lane.job(), 1, Integer::sum);
        lanes.add(lane);
    }

    /** The lane finished: its slots and bytes go back. */
    void retire(L lane) {
        lanes.remove(lane);
        release(lane);
    }

    /** Removes the lanes of the jobs that ended, handing each to {@code dropped} once its slots are back. */
    void removeEnded(Consumer<L> dropped) {
        lanes.removeIf(lane -> {
            if (!lane.job().isDone()) {
                return false;
            }
            release(lane);
            dropped.accept(lane);
            return true;
        });
    }

    private void release(L lane) {
        slots.release(lane.release());
        memoryInUse -= lane.cost();
        perJob.computeIfPresent(lane.job(), (job, n) -> n == 1 ? null : n - 1);
    }

    /** Lanes {@code job} runs now. */
    int of(Job<?, ?> job) {
        return perJob.getOrDefault(job, 0);
    }

    List<L> lanes() {
        return lanes;
    }

    boolean isEmpty() {
        return lanes.isEmpty();
    }

    boolean full() {
        return slots.free() == 0;
    }

    int slotsInUse() {
        return slots.size() - slots.free();
    }

    long memoryInUse() {
        return memoryInUse;
    }
}
