package speech.tts.echo;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import speech.runtime.model.Manifest;
import speech.runtime.ort.GraphClosedException;
import speech.runtime.ort.OrtSessions;
import speech.runtime.ort.OrtSettings;
import speech.tts.testing.Fixtures;

/**
 * Closing an Echo model while a {@code dit_step} call runs waits for that call (freeing the session
 * under it is a native crash that would end this JVM); the sampling then stops with a clear exception.
 */
class EchoModelCloseTest {

    @Test
    void closeDuringSamplingWaitsForTheRunningStep() throws Exception {
        // Its own instance: the shared TinyModel stays open for the other tests.
        EchoModel model = EchoModel.load(Manifest.read(Fixtures.tinyEcho()).verifyFiles(), new OrtSessions(OrtSettings.cpu()), 0);
        Conditioning.Text text = model.conditioning().text(List.of(model.tokenizer().encodeNormalized("[S1] Closing mid-sentence.")));
        Conditioning.Speaker speaker = model.conditioning().unconditioned();
        SamplerSettings settings = SamplerSettings.defaults(model.constants().maxLatentLength());
        float[] noise = Synthesizer.seeded(7).next(settings.sequenceLength() * model.constants().latentDim());
        CountDownLatch stepping = new CountDownLatch(1);
        CountDownLatch closing = new CountDownLatch(1);
        AtomicInteger steps = new AtomicInteger();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<float[]> sampling = caller.submit(() -> {
                try (DitStep.Bound dit = model.ditStep().bind(text, speaker)) {
                    // After the first step, each step starts only once the close has begun, so the sampling
                    // cannot finish first on a slow machine; the step then races the close into dit_step.
                    EulerCfgSampler.Denoiser signalling = (x, lanes, t, scale) -> {
                        if (stepping.getCount() == 0) {
                            await(closing);
                        }
                        stepping.countDown();
                        float[] v = dit.velocity(x, lanes, t, scale);
                        steps.incrementAndGet();
                        return v;
                    };
                    return EulerCfgSampler.sample(signalling, noise, 1, model.constants().layers(), settings);
                }
            });
            assertTrue(stepping.await(60, TimeUnit.SECONDS), "sampling never reached dit_step");
            closing.countDown();
            model.close(); // waits for the dit_step call in flight, then frees the sessions
            ExecutionException e = assertThrows(ExecutionException.class, () -> sampling.get(60, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof GraphClosedException, "cause: " + e.getCause());
            assertTrue(steps.get() < settings.numSteps(), "closed before the sampling ended, after " + steps.get() + " steps");
            assertThrows(GraphClosedException.class, () -> model.conditioning().text(List.of(new long[] {1})));
            model.close(); // a second close is harmless
        } finally {
            caller.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never closed the model");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
