package speech.asr.whisper;

import ai.onnxruntime.OrtException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import speech.runtime.engine.EngineStats;
import speech.runtime.engine.Job;

/**
 * One short transcription of silence through a freshly loaded model's every graph, before it serves a
 * request: the VAD, log-mel, one encoder window and greedy decoder steps until end of text (a
 * multilingual model also runs its language probe). On CUDA this is where cuDNN and the memory
 * arenas are set up; the first real request then finds them ready.
 */
public final class WarmUp {

    /** Bounds a warm-up that hangs (a broken provider): the load fails and is retried instead. */
    private static final Duration DEADLINE = Duration.ofMinutes(5);

    private WarmUp() {
    }

    /** Runs it on {@code engine}'s model; says what ran, counted from the engine's own step counters. */
    public static String run(WhisperEngine engine) {
        WhisperModel model = engine.model();
        float[] silence = new float[model.spec().audio().sampleRate()];
        try {
            if (model.vad().isPresent()) {
                model.vad().get().speech(silence);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("voice activity detection failed: " + e.getMessage(), e);
        }
        // Silence holds no speech for the VAD to find: decode it whole, at one temperature (no fallback ladder).
        DecodingOptions options = DecodingOptions.defaults().toBuilder().temperatures(List.of(0.0)).vadFilter(false).build();
        List<EngineStats> before = engine.stats();
        Job<Segment, Transcript> job = engine.open(DEADLINE);
        try (ExecutorService pieces = Executors.newVirtualThreadPerTaskExecutor()) {
            job.complete(new Transcriber(engine, pieces, 1).transcribe(job, silence, options, segment -> { }));
        } finally {
            job.cancel(); // no-op once complete; frees the lanes of a failed warm-up
        }
        List<EngineStats> after = engine.stats();
        return String.format(Locale.ROOT, "1 s of silence: %s%d encoder and %d decoder steps",
                model.vad().isPresent() ? "VAD, " : "", after.get(0).steps() - before.get(0).steps(), after.get(1).steps() - before.get(1).steps());
    }
}
