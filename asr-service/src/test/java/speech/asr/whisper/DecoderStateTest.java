package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.TestData;
import speech.runtime.audio.FfmpegDecoder;

/**
 * The decoder's state stays where it is: each token writes only its own K/V row, so the bytes moved
 * per token do not depend on how many tokens came before, and the result equals decoding the whole
 * sequence in one call.
 */
class DecoderStateTest {

    @Test
    void bytesPerTokenAreConstantAndIncrementalEqualsOneCall() throws Exception {
        WhisperModel model = Models.get("tiny.en");
        float[] pcm = FfmpegDecoder.defaults().decode(TestData.speech("short/en_jfk.wav"), 16000).samples();
        float[] mel = model.logMel().compute(pcm, 0, pcm.length);
        int steps = 300;
        try (DecoderState state = new DecoderState(model, 2, 1)) {
            state.encode(mel, 0);
            List<Long> sequence = new ArrayList<>();
            sequence.add((long) model.spec().special().sot());
            sequence.add((long) model.spec().special().noTimestamps());
            float[] last = state.run(toArray(sequence), new int[] {0}, new int[] {0}, new int[] {0}, new int[][] {{1}})[0][0];

            List<Long> perToken = new ArrayList<>();
            for (int t = 0; t < steps; t++) {
                long token = Sampling.argmax(last) == model.spec().special().eot() ? 220 : Sampling.argmax(last); // keep going past the end
                sequence.add(token);
                long before = state.bytesMoved();
                last = state.run(new long[] {token}, new int[] {sequence.size() - 1}, new int[] {0}, new int[] {0}, new int[][] {{0}})[0][0];
                perToken.add(state.bytesMoved() - before);
            }
            assertEquals(1, perToken.stream().distinct().count(), "bytes moved per token over " + steps + " tokens: " + perToken.stream().distinct().toList());
            // One token's K and V rows (layers × heads × head_dim floats each), its logits and five one-element inputs.
            WhisperManifest.Dims d = model.spec().dims();
            long expected = 2L * d.nTextLayer() * d.nTextHead() * d.headDim() * Float.BYTES + (long) d.nVocab() * Float.BYTES + 5 * Long.BYTES;
            assertEquals(expected, perToken.get(0));

            // The same sequence in one call on the other slot: the same last logits.
            int n = sequence.size();
            float[] whole = state.run(toArray(sequence), new int[] {0}, new int[] {1}, new int[] {0}, new int[][] {{n - 1}})[0][0];
            float maxDiff = 0;
            for (int i = 0; i < whole.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(whole[i] - last[i]));
            }
            assertTrue(maxDiff < 1e-3, "incremental vs one call after " + n + " tokens: max |diff| " + maxDiff);
        }
    }

    private static long[] toArray(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }
}
