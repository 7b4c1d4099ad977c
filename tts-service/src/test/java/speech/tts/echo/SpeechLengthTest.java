package speech.tts.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A short text samples a short window, a paragraph the whole one; speech that runs into the end is resampled longer. */
class SpeechLengthTest {

    @Test
    void theWindowFollowsTheText() {
        EchoModel model = TinyModel.get();
        int max = model.constants().maxLatentLength();
        double perLatent = model.constants().secondsPerLatent();
        int hello = SpeechLength.forText(model.tokenizer().encodeNormalized("[S1] Hello there.").length, perLatent, max);
        int paragraph = SpeechLength.forText(400, perLatent, max);
        System.out.printf("LENGTH hello %d, 400 bytes %d of %d latents%n", hello, paragraph, max);
        assertTrue(hello <= max / 4, "a greeting needs at most a quarter of the window: " + hello);
        assertTrue(hello > EndOfSpeech.WINDOW, "room for the end-of-speech window: " + hello);
        assertEquals(0, hello % SpeechLength.BUCKET);
        assertEquals(max, paragraph);
        assertEquals(Math.min(max, 2 * hello), SpeechLength.longer(hello, max));
        assertEquals(max, SpeechLength.longer(max, max));
        assertEquals(8, SpeechLength.forText(400, perLatent, 8), "never more than the request allows");
    }

    @Test
    void aShortTextSamplesAShortWindow() throws Exception {
        EchoModel model = TinyModel.get();
        EchoModel.Constants c = model.constants();
        SamplerSettings settings = SamplerSettings.defaults(c.maxLatentLength());
        String text = "Hello there.";
        Synthesizer.Result fitted = new Synthesizer(model, new Synthesizer.Options(300, 4, 1L << 30, 0.05, true))
                .synthesize(text, model.conditioning().unconditioned(), settings, 9L);
        int window = SpeechLength.forText(model.tokenizer().encodeNormalized(new TextChunker(Math.min(300, c.maxTextLength())).split(text).getFirst()).length,
                c.secondsPerLatent(), c.maxLatentLength());
        int mostSamples = SpeechLength.longer(window, c.maxLatentLength()) * c.samplesPerLatent();
        System.out.printf("LENGTH fitted clip %d samples, at most %d, window %d%n", fitted.audio().length, mostSamples,
                c.maxLatentLength() * c.samplesPerLatent());
        assertTrue(fitted.audio().length <= mostSamples, "sampled no more than the fitted window (resampled once): " + fitted.audio().length);
        assertTrue(mostSamples < c.maxLatentLength() * c.samplesPerLatent());
    }
}
