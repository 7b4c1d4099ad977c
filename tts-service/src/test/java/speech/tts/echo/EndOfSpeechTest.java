package speech.tts.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import speech.tts.testing.Fixtures;
import speech.tts.testing.Safetensors;

/** find_flattening_point edge cases from the official code; the end point must match exactly. */
class EndOfSpeechTest {

    @ParameterizedTest
    @ValueSource(strings = {"speech_then_silence", "mid_pause", "never_flat", "short_tail_uses_zero_padding",
            "unbiased_std_edge", "constant_offset_mean_test"})
    void flatteningPointMatchesExactly(String name) {
        Safetensors f = Fixtures.echoCase("flattening");
        long[] shape = f.shape(name + ".latent");
        int point = EndOfSpeech.flatteningPoint(f.floats(name + ".latent"), (int) shape[0], (int) shape[1]);
        assertEquals(f.longs(name + ".flattening_point")[0], point, name);
        if (f.has(name + ".cropped_audio_num_samples")) {
            assertEquals(f.longs(name + ".cropped_audio_num_samples")[0], point * 2048L);
        }
    }
}
