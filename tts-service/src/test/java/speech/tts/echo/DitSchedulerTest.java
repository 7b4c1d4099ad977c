package speech.tts.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import speech.runtime.engine.EngineLimits;
import speech.runtime.engine.EngineStats;
import speech.runtime.engine.Job;
import speech.runtime.http.ApiException;
import speech.tts.testing.Fixtures;

/**
 * Requests share DiT steps through the model's scheduler: a request's audio is the same alone or
 * batched with another (different text, voice and settings), and a request that is cancelled or runs
 * past its deadline gives its lanes back at the next step boundary.
 */
class DitSchedulerTest {

    private static final Synthesizer.Options OPTIONS = new Synthesizer.Options(60, 4, 1L << 30, 0.05);
    private static final String LONG_TEXT = "The first sentence is short. The second one is a little longer than the first. "
            + "A third sentence follows here; then a fourth. And a fifth closes the text.";

    @Test
    void aRequestBatchedWithAnotherGivesItsAudioAlone() throws Exception {
        EchoModel model = TinyModel.get();
        Codec.Latent reference = model.codec().referenceLatent(Fixtures.echoCase("codec_encode").floats("audio"));
        Conditioning.Speaker voice = model.conditioning().speaker(reference.data(), reference.frames());
        Conditioning.Speaker none = model.conditioning().unconditioned();
        SamplerSettings a = FixtureSettings.of("sampler_default");
        SamplerSettings b = FixtureSettings.of("sampler_force_speaker");
        String textA = "Hello there, this is the first request.";
        String textB = "A second, different request. It has two sentences.";

        Synthesizer.Result aloneA = new Synthesizer(model, OPTIONS).synthesize(textA, voice, a, 11L);
        Synthesizer.Result aloneB = new Synthesizer(model, OPTIONS).synthesize(textB, none, b, 12L);

        // A batch starting from idle waits up to 2 s for more: both requests' lanes run in the same steps.
        try (Synthesizer shared = new Synthesizer(model, OPTIONS,
                EngineLimits.ofRows(12, 8, 10).withMaxQueueDelay(Duration.ofSeconds(2)), new SimpleMeterRegistry())) {
            Job<float[], Synthesizer.Result> jobA = shared.open(Duration.ofMinutes(5), piece -> { });
            Job<float[], Synthesizer.Result> jobB = shared.open(Duration.ofMinutes(5), piece -> { });
            shared.start(jobA, textA, () -> voice, a, Synthesizer.seeded(11L));
            shared.start(jobB, textB, () -> none, b, Synthesizer.seeded(12L));
            Synthesizer.Result batchedA = jobA.await();
            Synthesizer.Result batchedB = jobB.await();
            EngineStats stats = shared.stats();

            System.out.printf("SCHEDULER %d steps for %d + %d alone calls, %.2f rows per step%n",
                    stats.steps(), aloneA.ditCalls(), aloneB.ditCalls(), stats.meanRowsPerStep());
            assertTrue(stats.steps() < aloneA.ditCalls() + aloneB.ditCalls(), "the requests shared steps: " + stats);
            assertSameAudio(aloneA, batchedA);
            assertSameAudio(aloneB, batchedB);
        }
    }

    @Test
    void aCancelledRequestLeavesWithinOneStep() throws Exception {
        try (Synthesizer synthesizer = new Synthesizer(TinyModel.get(), OPTIONS)) {
            Job<float[], Synthesizer.Result> job = synthesizer.open(Duration.ofMinutes(5), piece -> { });
            synthesizer.start(job, LONG_TEXT, () -> TinyModel.get().conditioning().unconditioned(), longRun(), Synthesizer.seeded(3L));
            long stepsAtCancel = awaitRunning(synthesizer).steps();
            job.cancel();
            EngineStats after = awaitIdle(synthesizer);
            System.out.printf("CANCEL at step %d, lanes freed after step %d%n", stepsAtCancel, after.steps());
            assertTrue(after.steps() <= stepsAtCancel + 1, "freed within one step: " + stepsAtCancel + " → " + after.steps());
            ApiException e = assertThrows(ApiException.class, job::await);
            assertEquals(503, e.status());
        }
    }

    @Test
    void aTimedOutRequestStopsSampling() throws Exception {
        try (Synthesizer synthesizer = new Synthesizer(TinyModel.get(), OPTIONS)) {
            SamplerSettings settings = longRun();
            Job<float[], Synthesizer.Result> job = synthesizer.open(Duration.ofSeconds(2), piece -> { });
            synthesizer.start(job, LONG_TEXT, () -> TinyModel.get().conditioning().unconditioned(), settings, Synthesizer.seeded(4L));
            ApiException e = assertThrows(ApiException.class, job::await);
            assertEquals(504, e.status());
            EngineStats after = awaitIdle(synthesizer);
            long full = (long) settings.numSteps() * OPTIONS.maxBatchChunks();
            System.out.printf("TIMEOUT lanes freed after %d of %d steps%n", after.steps(), full);
            assertTrue(after.steps() < settings.numSteps(), "stopped sampling: " + after.steps() + " steps");
            assertEquals(0, after.memoryInUse());
        }
    }

    /** 200 steps over the full window: seconds of work on the tiny model, so the test acts mid-run. */
    private static SamplerSettings longRun() {
        SamplerSettings d = SamplerSettings.defaults(TinyModel.get().constants().maxLatentLength());
        return new SamplerSettings(SamplerSettings.MAX_STEPS, d.cfgScaleText(), d.cfgScaleSpeaker(), d.cfgMinT(), d.cfgMaxT(),
                null, null, null, null, null, null, d.sequenceLength());
    }

    private static EngineStats awaitRunning(Synthesizer s) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (s.stats().runningLanes() == 0 || s.stats().steps() < 2) {
            assertTrue(System.nanoTime() < end, "no lane ever ran: " + s.stats());
            Thread.sleep(5);
        }
        return s.stats();
    }

    private static EngineStats awaitIdle(Synthesizer s) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (s.stats().runningLanes() + s.stats().waitingLanes() > 0) {
            assertTrue(System.nanoTime() < end, "lanes never left: " + s.stats());
            Thread.sleep(5);
        }
        return s.stats();
    }

    private static void assertSameAudio(Synthesizer.Result alone, Synthesizer.Result batched) {
        assertEquals(alone.audio().length, batched.audio().length);
        double err = Fixtures.maxAbsDiff(batched.audio(), alone.audio()) / Fixtures.scale(alone.audio());
        System.out.printf("SCHEDULER batched vs alone max|Δ|/scale = %.3g%n", err);
        assertTrue(err <= 1e-4, "batched vs alone max|Δ|/scale " + err);
    }
}
