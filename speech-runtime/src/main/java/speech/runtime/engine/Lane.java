package speech.runtime.engine;

import java.util.Objects;

/**
 * One unit of batched work belonging to a {@link Job}: a decoder sequence, a beam, a DiT lane group,
 * an encoder window. The {@link BatchScheduler} admits it when its {@link #rows()} (state slots) and
 * {@link #cost()} fit, passes it to the model's step together with the slots it holds, feeds it its
 * output of every step through {@link #advance}, and retires it when that returns true or its job ends.
 *
 * <p>Subclasses carry the model's per-lane inputs and progress. They may emit to or complete their
 * job and submit follow-up lanes from {@code advance}; they never see HTTP, queues or other jobs.
 *
 * @param <O> what one step produces for this lane
 */
public abstract class Lane<O> {

    private static final int[] NONE = new int[0];

    private final Job<?, ?> job;
    private int[] slots = NONE;

    protected Lane(Job<?, ?> job) {
        this.job = Objects.requireNonNull(job, "job");
    }

    public final Job<?, ?> job() {
        return job;
    }

    /**
     * The state slots this lane holds while it runs: indices into the model's preallocated per-row
     * buffers, distinct from every other running lane's. Empty while the lane waits.
     */
    public final int[] slots() {
        return slots.clone();
    }

    /** The first (for one-row lanes: the only) slot this lane holds. */
    public final int slot() {
        return slots[0];
    }

    /** Slots held while running: 1 for a greedy sequence, the beam width, 3 for a CFG lane group. Constant. */
    public int rows() {
        return 1;
    }

    /** Bytes this lane counts against the scheduler's memory budget while it runs (its K/V). Constant. */
    public long cost() {
        return 0;
    }

    /** Takes this lane's output of one step (on the loop thread); true when it needs no further step. */
    protected abstract boolean advance(O output);

    /**
     * Called on the loop thread when the lane leaves without finishing: its job was cancelled, timed
     * out, failed or completed, or the scheduler shut down. {@code reason} says which.
     */
    protected void dropped(Throwable reason) {
    }

    void hold(int[] slots) {
        this.slots = slots;
    }

    int[] release() {
        int[] held = slots;
        slots = NONE;
        return held;
    }
}
