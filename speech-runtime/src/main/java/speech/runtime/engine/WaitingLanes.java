package speech.runtime.engine;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Lanes waiting for admission, first in first out within a job. Across jobs the next lane comes from
 * the job running the fewest lanes (the oldest job on a tie), so a long file's many windows never keep
 * a short request out: it gets the next free slot. Used by the loop thread only.
 */
final class WaitingLanes<L extends Lane<?>> {

    private final Map<Job<?, ?>, ArrayDeque<L>> byJob = new LinkedHashMap<>();
    private int size;

    void add(L lane) {
        byJob.computeIfAbsent(lane.job(), j -> new ArrayDeque<>()).add(lane);
        size++;
    }

    int size() {
        return size;
    }

    /** The lane to admit next among jobs running fewer than {@code cap} lanes, or null. Not removed. */
    L next(ToIntFunction<Job<?, ?>> running, int cap) {
        L best = null;
        int bestRunning = Integer.MAX_VALUE;
        for (Map.Entry<Job<?, ?>, ArrayDeque<L>> e : byJob.entrySet()) {
            Job<?, ?> job = e.getKey();
            int n = running.applyAsInt(job);
            if (n < cap && (n < bestRunning || n == bestRunning && job.id() < best.job().id())) {
                best = e.getValue().peek();
                bestRunning = n;
            }
        }
        return best;
    }

    /** Removes {@code lane}, the head of its job's queue as {@link #next} returned it. */
    void remove(L lane) {
        ArrayDeque<L> lanes = byJob.get(lane.job());
        lanes.remove();
        size--;
        if (lanes.isEmpty()) {
            byJob.remove(lane.job());
        }
    }

    /** Removes every lane of the jobs that ended, handing each to {@code dropped}. */
    void removeEnded(Consumer<L> dropped) {
        for (Iterator<Map.Entry<Job<?, ?>, ArrayDeque<L>>> it = byJob.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Job<?, ?>, ArrayDeque<L>> e = it.next();
            if (e.getKey().isDone()) {
                it.remove();
                size -= e.getValue().size();
                e.getValue().forEach(dropped);
            }
        }
    }

    /** The jobs with waiting lanes, oldest first. */
    Iterable<Job<?, ?>> jobs() {
        return byJob.keySet();
    }
}
