package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import speech.runtime.audio.FfmpegDecoder;
import speech.runtime.audio.Pcm;
import speech.runtime.testing.TestData;

/** Parity with transformers' WhisperFeatureExtractor on real clips (golden files from src-python/tests/java_fixtures/logmel_golden.py). */
class LogMelTest {

    static final Path GOLDEN = TestData.modelsDir().resolve("golden/logmel");
    static final float[] FILTERS = TestData.readF32(GOLDEN.resolve("mel_filters.f32"));

    @ParameterizedTest
    @ValueSource(strings = {"short/en_jfk.wav", "short/en_jfk_44k_stereo.flac", "short/en_librispeech_1272-128104-0000.wav",
            "short/fr_dictee_numero_un.aiff", "short/zh_chinese.flac", "long/en_concat_ground_truth_long.wav"})
    void matchesTransformersWithin1e3(String clip) throws IOException {
        String name = Path.of(clip).getFileName().toString();
        String[] shape = Files.readString(GOLDEN.resolve(name + ".shape")).trim().split(" ");
        float[] expected = TestData.readF32(GOLDEN.resolve(name + ".f32"));
        LogMel mel = new LogMel(FILTERS, 80, 400, 160, 480000, 3000);
        assertEquals(80, Integer.parseInt(shape[0]));
        assertEquals(3000, Integer.parseInt(shape[1]));

        Pcm pcm = FfmpegDecoder.defaults().decode(TestData.speech(clip), 16000);
        float[] actual = mel.compute(pcm.samples(), 0, pcm.samples().length);

        assertEquals(expected.length, actual.length);
        double maxDiff = 0;
        for (int i = 0; i < actual.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
        }
        System.out.printf("LogMel %s: max abs diff %.3g%n", name, maxDiff);
        assertTrue(maxDiff <= 1e-3, "max abs diff " + maxDiff + " on " + clip);
    }

    @Test
    void exportedModelCarriesTheSameFilters() {
        float[] model = TestData.readF32(TestData.model("tiny.en").resolve("mel_filters.f32"));
        assertArrayEquals(FILTERS, model, 1e-6f, "tiny.en mel_filters.f32 differs from transformers' filters");
    }

    @Test
    void silenceIsFlatAndFinite() {
        LogMel mel = new LogMel(FILTERS, 80, 400, 160, 480000, 3000);
        float[] out = mel.compute(new float[16000], 0, 16000);
        for (float v : out) {
            assertEquals(out[0], v, 0f);
        }
        assertEquals((-10 + 4) / 4.0, out[0], 1e-6); // log10(1e-10) floor, then (x + 4) / 4
    }
}
