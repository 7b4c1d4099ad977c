package speech.tts.echo;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import speech.runtime.engine.BatchScheduler;
import speech.runtime.engine.EngineLimits;
import speech.runtime.engine.EngineStats;
import speech.runtime.engine.Job;

/**
 * The long-form loop, top to bottom: text → chunks → per chunk: text K/V → Euler CFG sampling whose
 * DiT calls run as lanes of the model's {@link BatchScheduler} (shared with every other request) →
 * cropped at its end of speech → decoded; the chunks joined in order with short cross-fades, streamed
 * as each one is ready. The scheduler owns admission (rows, K/V budget), deadlines and cancellation:
 * a job that ends loses its lanes at the next step boundary and its chunk threads stop there.
 */
public final class Synthesizer implements AutoCloseable {

    /**
     * @param maxChunkTokens   text budget per chunk (BOS and speaker tag included), ≤ the model's limit
     * @param maxBatchChunks   chunks of one request sampled at once (lanes per job)
     * @param maxBatchKvBytes  memory budget of the per-row K/V of all running lanes
     * @param crossFadeSeconds seam overlap between chunks
     * @param fitLengthToText  sample only the latents a chunk's text needs ({@link SpeechLength}), the request's
     *                         sequence length being the most; speech that runs into the end is resampled longer
     */
    public record Options(int maxChunkTokens, int maxBatchChunks, long maxBatchKvBytes, double crossFadeSeconds, boolean fitLengthToText) {

        /** Every chunk samples the request's whole sequence length (parity tests against fixed-length fixtures). */
        public Options(int maxChunkTokens, int maxBatchChunks, long maxBatchKvBytes, double crossFadeSeconds) {
            this(maxChunkTokens, maxBatchChunks, maxBatchKvBytes, crossFadeSeconds, false);
        }
    }

    /** Audio at the model's rate plus what it took. */
    public record Result(float[] audio, int sampleRate, int chunks, int ditCalls, long samplingNanos, long decodingNanos) {

        public double durationSeconds() {
            return audio.length / (double) sampleRate;
        }
    }

    /** Where the speaker K/V come from: read inside the job (a cache miss is a {@code speaker_cond} call). */
    @FunctionalInterface
    public interface SpeakerSource {
        Conditioning.Speaker speaker() throws OrtException;
    }

    /** Initial noise, drawn chunk by chunk in reading order. */
    @FunctionalInterface
    public interface Noise {
        float[] next(int values);
    }

    /** Gaussian noise from one generator per request, so a seed reproduces the whole request. */
    public static Noise seeded(long seed) {
        Random rng = new Random(seed);
        return values -> {
            float[] out = new float[values];
            for (int i = 0; i < values; i++) {
                out[i] = (float) rng.nextGaussian();
            }
            return out;
        };
    }

    private static final Duration NO_DEADLINE = Duration.ofDays(1);

    private final EchoModel model;
    private final Options options;
    private final DitBatch ditBatch;
    private final BatchScheduler<DitLane, float[]> scheduler;
    // Chunk threads mostly wait for the scheduler's steps: virtual threads cost nothing while they do.
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    /** With its own scheduler sized by the options (tests, the CLI). */
    public Synthesizer(EchoModel model, Options options) {
        this(model, options, EngineLimits.ofRows(3 * options.maxBatchChunks(), 64, 10), new SimpleMeterRegistry());
    }

    /** The model's scheduler, named {@code dit}: its limits capped by the options' lanes per job and K/V budget. */
    public Synthesizer(EchoModel model, Options options, EngineLimits limits, MeterRegistry registry) {
        this.model = model;
        this.options = options;
        EngineLimits capped = limits.withMaxLanesPerJob(Math.min(limits.maxLanesPerJob(), options.maxBatchChunks()))
                .withMemoryBudget(Math.min(limits.memoryBudget(), options.maxBatchKvBytes()));
        this.ditBatch = new DitBatch(model.ditStep(), model.constants().latentDim());
        this.scheduler = new BatchScheduler<>("dit", capped, ditBatch, registry);
    }

    /**
     * Opens a request: 429 when the scheduler's queue is full, 503 while shutting down. {@code audio}
     * receives each piece of the final waveform as soon as it is final (cross-faded), in order.
     */
    public Job<float[], Result> open(Duration timeout, Consumer<float[]> audio) {
        return scheduler.open(timeout, audio);
    }

    /** Starts the request's work; {@code job.await()} gives the result (or 504 / 503 / the failure). */
    public void start(Job<float[], Result> job, String text, SpeakerSource speaker, SamplerSettings settings, Noise noise) {
        start(job, text, speaker, settings, noise, false);
    }

    /**
     * @param firstChunkFirst sample the first chunk alone and the others together once it is sampled, so its audio
     *                        (streamed) comes early; otherwise all chunks start in the same step (most throughput)
     */
    public void start(Job<float[], Result> job, String text, SpeakerSource speaker, SamplerSettings settings, Noise noise,
                      boolean firstChunkFirst) {
        threads.execute(() -> {
            try {
                job.complete(run(job, text, speaker.speaker(), settings, noise, firstChunkFirst));
            } catch (Throwable e) {
                job.fail(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            }
        });
    }

    public Result synthesize(String text, Conditioning.Speaker speaker, SamplerSettings settings, long seed) {
        return synthesize(text, speaker, settings, seeded(seed));
    }

    public Result synthesize(String text, Conditioning.Speaker speaker, SamplerSettings settings, Noise noise) {
        Job<float[], Result> job = open(NO_DEADLINE, piece -> { });
        start(job, text, () -> speaker, settings, noise);
        return job.await();
    }

    /** Refuses new requests (503) and waits up to {@code grace} for the open ones to end. */
    public boolean drain(Duration grace) throws InterruptedException {
        return scheduler.drain(grace);
    }

    public EngineStats stats() {
        return scheduler.stats();
    }

    private Result run(Job<float[], Result> job, String text, Conditioning.Speaker speaker, SamplerSettings settings, Noise noiseSource,
                       boolean firstChunkFirst) {
        EchoModel.Constants c = model.constants();
        ByteTokenizer tokenizer = model.tokenizer();
        List<String> prompts = new TextChunker(Math.min(options.maxChunkTokens(), c.maxTextLength())).split(text);
        int frameValues = settings.sequenceLength() * c.latentDim();
        AtomicInteger ditCalls = new AtomicInteger();
        AtomicLong samplingNanos = new AtomicLong();
        AtomicLong decodingNanos = new AtomicLong();
        List<DitLane> lanes = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        for (String prompt : prompts) {
            long[] tokens = tokenizer.encodeNormalized(prompt);
            lanes.add(new DitLane(job, text(tokens), speaker, settings, ditCalls));
            lengths.add(options.fitLengthToText()
                    ? SpeechLength.forText(tokens.length, c.secondsPerLatent(), settings.sequenceLength()) : settings.sequenceLength());
        }
        // A job that ends (client gone, deadline, shutdown) stops its decodes in flight too, not only its DiT lanes.
        OrtSession.RunOptions decodeOptions = runOptions();
        job.result().whenComplete((r, e) -> {
            if (e != null) {
                terminate(decodeOptions);
            }
        });
        List<CompletableFuture<float[]>> chunks = new ArrayList<>();
        CompletableFuture<Void> firstSampled = new CompletableFuture<>();
        for (DitLane lane : lanes) {
            float[] noise = noiseSource.next(frameValues); // drawn in chunk order: how chunks are batched does not change it
            boolean first = chunks.isEmpty();
            int fitted = lengths.get(chunks.size());
            chunks.add(CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                int length = fitted;
                float[] x;
                try {
                    x = EulerCfgSampler.sample(lane, Arrays.copyOf(noise, length * c.latentDim()), 1, c.layers(), settings);
                } finally {
                    if (first) {
                        firstSampled.complete(null);
                    }
                }
                if (EndOfSpeech.flatteningPoint(x, length, c.latentDim()) == length && length < settings.sequenceLength()) {
                    // Speech ran into the end of the window: never cut a word, sample the chunk again, longer.
                    length = SpeechLength.longer(length, settings.sequenceLength());
                    DitLane again = new DitLane(job, lane.text, speaker, settings, ditCalls);
                    scheduler.submit(again);
                    x = EulerCfgSampler.sample(again, Arrays.copyOf(noise, length * c.latentDim()), 1, c.layers(), settings);
                }
                int frames = length;
                long sampled = System.nanoTime();
                samplingNanos.addAndGet(sampled - start);
                int end = EndOfSpeech.flatteningPoint(x, frames, c.latentDim());
                float[] audio = decode(x, end, decodeOptions);
                decodingNanos.addAndGet(System.nanoTime() - sampled);
                return audio;
            }, threads));
        }
        if (firstChunkFirst && lanes.size() > 1) {
            scheduler.submit(lanes.getFirst());
            firstSampled.thenRun(() -> scheduler.submitAll(lanes.subList(1, lanes.size())));
        } else {
            scheduler.submitAll(lanes); // one boundary sees them all: the chunks step together
        }
        CompletableFuture.allOf(chunks.toArray(CompletableFuture[]::new)).whenComplete((r, e) -> {
            synchronized (decodeOptions) { // never freed while terminate() touches it
                decodeOptions.close();
            }
        });
        CrossFade.Stream joined = new CrossFade.Stream((int) Math.round(options.crossFadeSeconds() * c.sampleRate()), job::emit);
        for (CompletableFuture<float[]> chunk : chunks) {
            joined.add(chunk.join());
        }
        float[] audio = joined.finish();
        return new Result(audio, c.sampleRate(), prompts.size(), ditCalls.get(), samplingNanos.get(), decodingNanos.get());
    }

    private Conditioning.Text text(long[] tokens) {
        try {
            return model.conditioning().text(List.of(tokens));
        } catch (OrtException e) {
            throw new IllegalStateException("text_cond failed: " + e.getMessage(), e);
        }
    }

    private static OrtSession.RunOptions runOptions() {
        try {
            return new OrtSession.RunOptions();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void terminate(OrtSession.RunOptions options) {
        synchronized (options) {
            try {
                options.setTerminate(true);
            } catch (OrtException | IllegalStateException e) {
                // already closed: nothing runs with it any more
            }
        }
    }

    private float[] decode(float[] latent, int frames, OrtSession.RunOptions options) {
        try {
            return model.codec().decode(latent, frames, options);
        } catch (OrtException e) {
            throw new IllegalStateException("dac_decode failed: " + e.getMessage(), e);
        }
    }

    DitBatch ditBatch() {
        return ditBatch;
    }

    /** Fails what is left with 503 after the step in progress. */
    @Override
    public void close() {
        scheduler.close();
        ditBatch.close(); // after the loop stopped: it was the binding's only user
        threads.shutdownNow();
    }
}
