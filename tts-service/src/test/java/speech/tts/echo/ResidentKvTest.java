package speech.tts.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import speech.runtime.ort.binding.ResidentTensor;
import speech.tts.testing.Fixtures;

/**
 * The text and speaker K/V of a DiT batch are bound to dit_step once and stay bound across its steps:
 * each step hands the graph only x, t, the masks and the speaker scale, and its velocity is the one the
 * host-tensor path computes, bit for bit. A request's steps bind K/V once per batch composition.
 */
class ResidentKvTest {

    /** Four CFG rows: [cond, text-uncond, speaker-uncond, cond], as a batch of two requests sends them. */
    private static final int ROWS = 4;
    private static final boolean[] TEXT_ON = {true, false, true, true};
    private static final boolean[] SPEAKER_ON = {true, true, false, true};

    @Test
    void kvAreBoundOnceAndEachStepBindsOnlyItsOwnInputs() throws Exception {
        EchoModel model = TinyModel.get();
        Conditioning.Text text = model.conditioning().text(List.of(model.tokenizer().encodeNormalized("[S1] Hello there, how are you today?")));
        Codec.Latent reference = model.codec().referenceLatent(Fixtures.echoCase("codec_encode").floats("audio"));
        Conditioning.Speaker speaker = model.conditioning().speaker(reference.data(), reference.frames());
        Conditioning.KeysValues textKv = text.kv().tiled(ROWS);
        Conditioning.KeysValues speakerKv = speaker.kv().tiled(ROWS);
        long kvBytes = textKv.bytes() + speakerKv.bytes();
        int s = model.constants().maxLatentLength();
        Random rng = new Random(7);

        try (DitStep.Resident resident = model.ditStep().resident(textKv, speakerKv)) {
            List<ResidentTensor> bound = resident.keysValues();
            // On the CPU the bound K/V are the conditioning's own buffers: wrapped, never copied.
            assertEquals(address(textKv.k()), bound.get(0).address());
            assertEquals(address(textKv.v()), bound.get(1).address());
            assertEquals(address(speakerKv.k()), bound.get(2).address());
            assertEquals(address(speakerKv.v()), bound.get(3).address());
            assertEquals(kvBytes, resident.bytesBound(), "binding the K/V hands over exactly their bytes");

            for (int step = 0; step < 3; step++) {
                DitStep.Rows rows = rows(text, speaker, textKv, speakerKv, s, 1f - 0.3f * step, rng);
                long before = resident.bytesBound();
                float[] fromResident = resident.velocity(rows);
                long perStep = resident.bytesBound() - before;
                float[] fromHost = model.ditStep().velocity(rows);

                long stepInputs = 4L * rows.x().length + 4L * ROWS + rows.textMask().length + rows.speakerMask().length
                        + 4L * rows.speakerKvScale().length;
                System.out.printf("RESIDENT step %d: %d bytes bound (K/V %d bytes stay bound), max|Δ| vs host path %.3g%n",
                        step, perStep, kvBytes, Fixtures.maxAbsDiff(fromResident, fromHost));
                assertEquals(stepInputs, perStep, "a step binds x, t, masks and scale only");
                assertArrayEquals(fromHost, fromResident, "resident K/V give the host path's velocity bit for bit");
                assertEquals(bound.stream().map(ResidentTensor::address).toList(),
                        resident.keysValues().stream().map(ResidentTensor::address).toList());
            }

            DitStep.Rows copied = rows(text, speaker, text.kv().tiled(ROWS), speakerKv, s, 0.5f, rng);
            assertThrows(IllegalArgumentException.class, () -> resident.velocity(copied), "rows must carry the bound K/V");
        }
    }

    @Test
    void aRequestBindsItsKvOncePerBatchCompositionNotPerStep() throws Exception {
        EchoModel model = TinyModel.get();
        SamplerSettings d = FixtureSettings.of("sampler_default");
        // 20 steps: far more calls than the lane's two compositions (3 CFG rows inside the interval, 1 outside).
        SamplerSettings settings = new SamplerSettings(20, d.cfgScaleText(), d.cfgScaleSpeaker(), d.cfgMinT(), d.cfgMaxT(),
                null, null, null, null, null, null, d.sequenceLength());
        try (Synthesizer synthesizer = new Synthesizer(model, new Synthesizer.Options(60, 4, 1L << 30, 0.05))) {
            Synthesizer.Result result = synthesizer.synthesize("Hello there, this is one short request.",
                    model.conditioning().unconditioned(), settings, 5L);
            long bindings = synthesizer.ditBatch().bindings();
            System.out.printf("RESIDENT %d dit_step calls, K/V bound %d times%n", result.ditCalls(), bindings);
            assertTrue(result.ditCalls() >= settings.numSteps(), "sampled: " + result.ditCalls());
            assertTrue(bindings >= 1 && bindings <= 3, "bound once per composition, not per step: " + bindings);
        }
    }

    private static DitStep.Rows rows(Conditioning.Text text, Conditioning.Speaker speaker, Conditioning.KeysValues textKv,
                                     Conditioning.KeysValues speakerKv, int s, float t, Random rng) {
        int lt = textKv.length();
        int lsp = speakerKv.length();
        float[] x = new float[ROWS * s * TinyModel.get().constants().latentDim()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        float[] times = new float[ROWS];
        boolean[] textMask = new boolean[ROWS * lt];
        boolean[] speakerMask = new boolean[ROWS * lsp];
        for (int row = 0; row < ROWS; row++) {
            times[row] = t;
            if (TEXT_ON[row]) {
                System.arraycopy(text.mask(), 0, textMask, row * lt, lt);
            }
            if (SPEAKER_ON[row]) {
                System.arraycopy(speaker.patchMask(), 0, speakerMask, row * lsp, lsp);
            }
        }
        float[] scale = new float[TinyModel.get().constants().layers()];
        Arrays.fill(scale, 1f);
        return new DitStep.Rows(x, s, times, textMask, speakerMask, textKv, speakerKv, scale);
    }

    private static long address(FloatBuffer buffer) {
        return MemorySegment.ofBuffer(buffer.duplicate().rewind()).address();
    }
}
