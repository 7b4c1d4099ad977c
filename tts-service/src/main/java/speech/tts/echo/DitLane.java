package speech.tts.echo;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import speech.runtime.engine.Job;
import speech.runtime.engine.Lane;

/**
 * One text chunk of one request in the DiT scheduler, submitted with the request's other chunks so
 * they start in the same step. The chunk's own thread runs
 * {@link EulerCfgSampler#sample} with this lane as its {@link EulerCfgSampler.Denoiser}: each velocity
 * call hands (x, CFG lanes, t, speaker scale) to the scheduler and waits for its rows of the next
 * batched step, so the sampler stays one function while its DiT calls share steps with other requests.
 * A lane holds 3 rows (CFG) for its whole life and sends 1 outside the CFG interval.
 */
final class DitLane extends Lane<float[]> implements EulerCfgSampler.Denoiser {

    /** What the sampler asks of one step. */
    record Call(float[] x, EulerCfgSampler.Lanes lanes, float t, float[] speakerKvScale) {
    }

    /** The sampler's thread posts its next call within microseconds of an answer; longer means it is gone. */
    private static final long CALL_WAIT_SECONDS = 60;

    final Conditioning.Text text;
    final Conditioning.Speaker speaker;
    final AtomicInteger requestCalls;
    private final int steps;
    private final int rows;
    private final long cost;
    private final BlockingQueue<Call> calls = new ArrayBlockingQueue<>(1);
    private volatile CompletableFuture<float[]> answer = new CompletableFuture<>();
    private volatile Throwable droppedBecause;
    private int answered;

    /**
     * @param requestCalls counts the {@code dit_step} calls the request took part in (shared by its chunks)
     */
    DitLane(Job<?, ?> job, Conditioning.Text text, Conditioning.Speaker speaker,
            SamplerSettings settings, AtomicInteger requestCalls) {
        super(job);
        this.text = text;
        this.speaker = speaker;
        this.requestCalls = requestCalls;
        this.steps = settings.numSteps();
        this.rows = usesCfg(settings) ? 3 : 1;
        // Each row gets its own copy of the chunk's text and speaker K/V when batched (Bc = B).
        this.cost = rows * (text.kv().bytes() / text.kv().batch() + speaker.kv().bytes());
    }

    private static boolean usesCfg(SamplerSettings s) {
        float[] t = EulerCfgSampler.timeSchedule(s.numSteps());
        for (int i = 0; i < s.numSteps(); i++) {
            if (s.cfgMinT() <= t[i] && t[i] <= s.cfgMaxT()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public long cost() {
        return cost;
    }

    /** On the sampler's thread: one step's velocity, once the scheduler ran it; the drop reason if the job ended. */
    @Override
    public float[] velocity(float[] x, EulerCfgSampler.Lanes lanes, float t, float[] speakerKvScale) {
        CompletableFuture<float[]> mine = new CompletableFuture<>();
        answer = mine;
        if (droppedBecause != null) {
            throw rethrown(droppedBecause);
        }
        calls.add(new Call(x, lanes, t, speakerKvScale));
        try {
            return mine.join();
        } catch (CompletionException e) {
            throw rethrown(e.getCause());
        }
    }

    /** On the loop thread: the call of this step, or null when the sampler's thread never posted it. */
    Call nextCall() throws InterruptedException {
        return calls.poll(CALL_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    protected boolean advance(float[] v) {
        if (v == null) {
            job().fail(new IllegalStateException("the sampler of job " + job().id() + " stopped asking for steps"));
            return true;
        }
        answer.complete(v);
        return ++answered == steps;
    }

    @Override
    protected void dropped(Throwable reason) {
        droppedBecause = reason;
        answer.completeExceptionally(reason);
    }

    private static RuntimeException rethrown(Throwable cause) {
        return cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
    }
}
