package speech.tts.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import speech.tts.testing.Fixtures;

/**
 * The chunks of a long text sampled as lanes of the same DiT steps give the audio that sampling
 * them one after another gives (same seed: noise is drawn in chunk order either way), in fewer calls.
 */
class SynthesizerBatchingTest {

    @Test
    void chunksAsLanesOfOneStepEqualChunksOneByOne() throws Exception {
        EchoModel model = TinyModel.get();
        assertTrue(model.perLaneConditioning(), "dit_step takes one K/V row per lane");
        Codec.Latent reference = model.codec().referenceLatent(Fixtures.echoCase("codec_encode").floats("audio"));
        Conditioning.Speaker speaker = model.conditioning().speaker(reference.data(), reference.frames());
        SamplerSettings settings = FixtureSettings.of("sampler_default");
        String text = "The first sentence is short. The second one is a little longer than the first. "
                + "A third sentence follows here; then a fourth. And a fifth closes the text.";

        Synthesizer.Result oneByOne = new Synthesizer(model, new Synthesizer.Options(60, 1, 1L << 30, 0.05))
                .synthesize(text, speaker, settings, 7L);
        Synthesizer.Result batched = new Synthesizer(model, new Synthesizer.Options(60, 8, 1L << 30, 0.05))
                .synthesize(text, speaker, settings, 7L);

        assertTrue(batched.chunks() >= 3, "chunks: " + batched.chunks());
        assertEquals(oneByOne.chunks(), batched.chunks());
        assertEquals(oneByOne.ditCalls(), batched.ditCalls() * batched.chunks(), "one call per step for all chunks");
        assertEquals(oneByOne.audio().length, batched.audio().length);
        double err = Fixtures.maxAbsDiff(batched.audio(), oneByOne.audio());
        System.out.printf("BATCHING %d chunks: %d vs %d DiT calls, audio max|Δ| = %.3g%n",
                batched.chunks(), batched.ditCalls(), oneByOne.ditCalls(), err);
        assertTrue(err <= 1e-3, "audio max abs diff " + err);
    }
}
