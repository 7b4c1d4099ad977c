package speech.runtime.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A model with real per-slot state and no ONNX: each row of a lane keeps a rolling hash of the tokens
 * it was fed in a preallocated {@code long[rows]}, written in place at its slot. A lane whose slot were
 * reused or mixed up while it runs gives a different output than {@link #expected}. Optionally gated:
 * every step waits for a permit, so tests decide when steps happen without sleeping.
 */
final class FakeModel implements StepModel<FakeModel.Seq, Long> {

    /** A sequence fed one token per step; its outputs stream to its job; finishing calls {@code onFinish}. */
    static final class Seq extends Lane<Long> {
        final String name;
        final long seed;
        final int[] tokens;
        final int rows;
        final long cost;
        final List<Long> outputs = new ArrayList<>();
        final Consumer<Seq> onFinish;
        volatile Throwable droppedFor;
        int pos;

        Seq(Job<?, ?> job, String name, long seed, int[] tokens, int rows, long cost, Consumer<Seq> onFinish) {
            super(job);
            this.name = name;
            this.seed = seed;
            this.tokens = tokens;
            this.rows = rows;
            this.cost = cost;
            this.onFinish = onFinish;
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public long cost() {
            return cost;
        }

        @SuppressWarnings("unchecked")
        @Override
        protected boolean advance(Long output) {
            outputs.add(output);
            ((Job<Long, ?>) job()).emit(output);
            if (++pos < tokens.length) {
                return false;
            }
            onFinish.accept(this);
            return true;
        }

        @Override
        protected void dropped(Throwable reason) {
            droppedFor = reason;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final long[] state;
    private final Seq[] owner;
    private final int budgetRows;
    private final long memoryBudget;
    private final int maxLanesPerJob;
    private final Semaphore permits;
    final BlockingQueue<List<String>> entered = new LinkedBlockingQueue<>();
    final List<List<String>> trace = new CopyOnWriteArrayList<>();
    final List<String> violations = new CopyOnWriteArrayList<>();

    FakeModel(EngineLimits limits, boolean gated) {
        this.state = new long[limits.rows()];
        this.owner = new Seq[limits.rows()];
        this.budgetRows = limits.rows();
        this.memoryBudget = limits.memoryBudget();
        this.maxLanesPerJob = limits.maxLanesPerJob();
        this.permits = gated ? new Semaphore(0) : null;
    }

    @Override
    public List<Long> step(List<Seq> lanes) throws InterruptedException {
        List<String> names = lanes.stream().map(s -> s.name).toList();
        trace.add(names);
        entered.add(names);
        if (permits != null && !permits.tryAcquire(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never released step " + trace.size());
        }
        checkInvariants(lanes);
        List<Long> out = new ArrayList<>();
        for (Seq seq : lanes) {
            int[] slots = seq.slots();
            long sum = 0;
            for (int k = 0; k < slots.length; k++) {
                int s = slots[k];
                if (seq.pos == 0) {
                    state[s] = seq.seed + k;
                    owner[s] = seq;
                } else if (owner[s] != seq) {
                    violations.add("slot " + s + " of " + seq + " was taken by " + owner[s]);
                }
                state[s] = state[s] * 31 + seq.tokens[seq.pos] + k;
                sum += state[s];
            }
            out.add(sum);
        }
        return out;
    }

    private void checkInvariants(List<Seq> lanes) {
        Set<Integer> seen = new HashSet<>();
        int rows = 0;
        long memory = 0;
        Map<Job<?, ?>, Integer> perJob = new HashMap<>();
        for (Seq seq : lanes) {
            rows += seq.rows;
            memory += seq.cost;
            perJob.merge(seq.job(), 1, Integer::sum);
            int[] slots = seq.slots();
            if (slots.length != seq.rows) {
                violations.add(seq + " holds " + slots.length + " slots for " + seq.rows + " rows");
            }
            for (int s : slots) {
                if (s < 0 || s >= budgetRows || !seen.add(s)) {
                    violations.add("slot " + s + " out of range or held twice in " + lanes);
                }
            }
        }
        if (rows > budgetRows || memory > memoryBudget) {
            violations.add(rows + " rows / " + memory + " bytes in one step");
        }
        perJob.forEach((job, n) -> {
            if (n > maxLanesPerJob) {
                violations.add(job + " runs " + n + " lanes");
            }
        });
    }

    /** Lets the next {@code n} steps run. */
    void release(int n) {
        permits.release(n);
    }

    /** Lets every further step run. */
    void open() {
        permits.release(1_000_000);
    }

    /** Blocks until the loop is inside its next step; returns the lanes of that step. */
    List<String> awaitStep() throws InterruptedException {
        List<String> names = entered.poll(30, TimeUnit.SECONDS);
        if (names == null) {
            throw new AssertionError("no step within 30 s; steps so far: " + trace);
        }
        return names;
    }

    /** What a sequence gives when it runs alone, computed without the model or the scheduler. */
    static List<Long> expected(long seed, int[] tokens, int rows) {
        long[] s = new long[rows];
        for (int k = 0; k < rows; k++) {
            s[k] = seed + k;
        }
        List<Long> out = new ArrayList<>();
        for (int token : tokens) {
            long sum = 0;
            for (int k = 0; k < rows; k++) {
                s[k] = s[k] * 31 + token + k;
                sum += s[k];
            }
            out.add(sum);
        }
        return out;
    }

    static int[] tokens(int n, int offset) {
        int[] t = new int[n];
        Arrays.setAll(t, i -> i * 7 + offset);
        return t;
    }
}
