package speech.asr.whisper;

import ai.onnxruntime.OrtException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import speech.runtime.engine.BatchScheduler;
import speech.runtime.engine.EngineLimits;
import speech.runtime.engine.EngineStats;
import speech.runtime.engine.Item;
import speech.runtime.engine.Job;

/**
 * Continuous batching for one Whisper model: an encoder loop (windows of any request, one step
 * each) and a decoder loop (every running window's rows advance one token per call, joining and
 * leaving between calls), over one {@link DecoderState}. Requests open a {@link Job} here (429 when
 * too many wait) and block on their windows' results; a job that ends (deadline, cancel, shutdown)
 * has its lanes dropped at the next step of each loop.
 */
public final class WhisperEngine implements AutoCloseable {

    private final WhisperModel model;
    private final DecoderState state;
    private final BatchScheduler<Item<EncoderStep.Window, Integer>, Integer> encoder;
    private final BatchScheduler<DecoderLane, float[][]> decoder;
    /** Null when the export has no alignment graph (no word timestamps). */
    private final AlignStep alignStep;
    private final BatchScheduler<Item<AlignStep.Request, Aligner.Alignment>, Aligner.Alignment> aligner;

    /** {@code decoderLimits.rows()} decoder slots, {@code windows} cross K/V slots (windows in flight). */
    public WhisperEngine(WhisperModel model, EngineLimits encoderLimits, EngineLimits decoderLimits, int windows,
                         MeterRegistry registry) throws OrtException {
        this.model = model;
        this.state = new DecoderState(model, decoderLimits.rows(), windows);
        String name = "asr-" + model.id();
        this.encoder = new BatchScheduler<>(name + "-encoder", encoderLimits, new EncoderStep(state), registry);
        // The K/V of every row is preallocated in the state: rows are the limit, not a memory budget.
        this.decoder = new BatchScheduler<>(name + "-decoder", decoderLimits, new DecoderStep(state), registry);
        // Word timestamps: one alignment call per window that asks, on a loop of its own like the encoder's.
        this.alignStep = model.aligner().isPresent() ? new AlignStep(model.aligner().get(), state) : null;
        this.aligner = alignStep == null ? null : new BatchScheduler<>(name + "-align", encoderLimits, alignStep, registry);
    }

    public WhisperModel model() {
        return model;
    }

    DecoderState state() {
        return state;
    }

    /** A request's job: its deadline starts now; 429 when the queue in front is full, 503 once draining. */
    public <P, R> Job<P, R> open(Duration timeout) {
        return encoder.open(timeout);
    }

    public List<EngineStats> stats() {
        return aligner == null ? List.of(encoder.stats(), decoder.stats()) : List.of(encoder.stats(), decoder.stats(), aligner.stats());
    }

    /** One encoded window of a job: its cross K/V slot, given back on close. */
    public final class Window implements AutoCloseable {
        private final Job<?, ?> job;
        private final int slot;

        private Window(Job<?, ?> job, int slot) {
            this.job = job;
            this.slot = slot;
        }

        /** One decoding attempt at one temperature (greedy, beam or best-of rows), batched with every other. */
        public DecodeResult decode(List<Integer> initialTokens, DecodingOptions o, String language, double temperature) {
            WindowDecode lane = new WindowDecode(job, slot, model, initialTokens, o, language, temperature);
            decoder.submit(lane);
            return join(lane.result());
        }

        /** Probability of every language after start-of-transcript (multilingual models only). */
        public Map<String, Double> detectLanguage() {
            if (model.spec().languages().isEmpty()) {
                throw new IllegalStateException("model " + model.id() + " is English-only");
            }
            LanguageProbe probe = new LanguageProbe(job, slot, model.spec());
            decoder.submit(probe);
            return join(probe.result());
        }

        /**
         * The alignment heads' attention over {@code tokens} (sot sequence, no_timestamps, text, eot)
         * in this window, for {@link WordTimings}; the model must have its alignment graph.
         */
        public Aligner.Alignment align(List<Integer> tokens) {
            if (aligner == null) {
                throw new IllegalStateException("model " + model.id() + " was exported without the alignment graph");
            }
            Item<AlignStep.Request, Aligner.Alignment> item = new Item<>(job,
                    new AlignStep.Request(tokens.stream().mapToLong(Integer::longValue).toArray(), slot));
            aligner.submit(item);
            return join(item.result());
        }

        @Override
        public void close() {
            state.releaseWindow(slot);
        }
    }

    /**
     * Waits for a window slot (while the job runs), then for the encoder loop to write the window's
     * cross K/V into it. The caller closes the window once its decoding is done.
     */
    public Window encode(Job<?, ?> job, float[] mel) {
        int slot;
        try {
            slot = state.acquireWindow(() -> !job.isDone());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for a window slot");
        }
        if (slot < 0) {
            join(job.result()); // ended: its failure (504, 503, cancel) is the answer
            throw new CancellationException("job " + job.id() + " ended");
        }
        Window window = new Window(job, slot);
        try {
            Item<EncoderStep.Window, Integer> item = new Item<>(job, new EncoderStep.Window(mel, slot));
            encoder.submit(item);
            join(item.result());
            return window;
        } catch (RuntimeException e) {
            window.close();
            throw e;
        }
    }

    /** The result, waiting interruptibly (a cancelled request interrupts its piece threads). */
    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the engine");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Stops taking jobs and waits up to {@code grace} for the running ones; true when they all ended. */
    public boolean drain(Duration grace) throws InterruptedException {
        long end = System.nanoTime() + grace.toNanos();
        boolean encoderDone = encoder.drain(grace);
        boolean decoderDone = decoder.drain(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
        return (aligner == null || aligner.drain(Duration.ofNanos(Math.max(0, end - System.nanoTime())))) && decoderDone && encoderDone;
    }

    @Override
    public void close() {
        try {
            encoder.close();
        } finally {
            try {
                decoder.close();
            } finally {
                try {
                    if (aligner != null) {
                        aligner.close();
                        alignStep.close();
                    }
                } finally {
                    state.close();
                }
            }
        }
    }
}
