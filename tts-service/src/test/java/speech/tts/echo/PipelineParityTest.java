package speech.tts.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import speech.tts.testing.Fixtures;
import speech.tts.testing.Safetensors;

/**
 * sample_pipeline end to end (text + reference audio → waveform) on the tiny export: reference audio
 * → speaker latent (dac_encode in fixed chunks), text → chunks → K/V, sampler with the injected noise,
 * end of speech, dac_decode.
 */
class PipelineParityTest {

    @Test
    void textAndReferenceAudioGiveTheOfficialWaveform() throws Exception {
        EchoModel model = TinyModel.get();
        Safetensors pipeline = Fixtures.echoCase("pipeline");
        Safetensors encode = Fixtures.echoCase("codec_encode");

        Codec.Latent reference = model.codec().referenceLatent(encode.floats("audio"));
        float[] expectedLatent = pipeline.floats("speaker_latent");
        assertEquals(pipeline.shape("speaker_latent")[1], reference.frames());
        double speakerErr = Fixtures.maxAbsDiff(reference.data(), expectedLatent) / Fixtures.scale(expectedLatent);
        System.out.printf("PARITY pipeline.speaker_latent max|Δ|/scale = %.3g%n", speakerErr);
        assertTrue(speakerErr <= 1e-3);

        Conditioning.Speaker speaker = model.conditioning().speaker(reference.data(), reference.frames());
        SamplerSettings settings = FixtureSettings.of("sampler_default");
        Synthesizer synthesizer = new Synthesizer(model, new Synthesizer.Options(768, 1, 1L << 30, 0.05));
        float[] noise = pipeline.floats("initial_noise");
        String prompt = FixtureSettings.config().get("prompts").get("prompt_raw").asText();
        Synthesizer.Result result = synthesizer.synthesize(prompt, speaker, settings, n -> noise.clone());

        assertEquals(1, result.chunks());
        float[] expected = pipeline.floats("audio_out");
        assertEquals(expected.length, result.audio().length, "cropped at flattening point " + pipeline.longs("flattening_point")[0]);
        double audioErr = Fixtures.maxAbsDiff(result.audio(), expected);
        System.out.printf("PARITY pipeline.audio_out max|Δ| = %.3g (gate 1e-3)%n", audioErr);
        assertTrue(audioErr <= 1e-3, "audio max abs diff " + audioErr);
    }

    @Test
    void codecDecodeMatches() throws Exception {
        Safetensors f = Fixtures.echoCase("codec_decode");
        float[] audio = TinyModel.get().codec().decode(f.floats("latent"), (int) f.shape("latent")[1]);
        double err = Fixtures.maxAbsDiff(audio, f.floats("audio"));
        System.out.printf("PARITY codec_decode.audio max|Δ| = %.3g%n", err);
        assertTrue(err <= 1e-3);
    }
}
