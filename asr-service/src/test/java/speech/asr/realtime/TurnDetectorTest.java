package speech.asr.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Server VAD turns from chunk probabilities: hysteresis, a pause shorter than the silence keeps the turn. */
class TurnDetectorTest {

    private static final int CHUNK = 512;

    @Test
    void aTurnStartsAtTheFirstSpeechChunkAndStopsAtTheFirstQuietOneAfterEnoughSilence() {
        // 10 quiet, 20 speech, 5 below the lower threshold (shorter than the silence), 1 speech, 3 between the
        // thresholds (no new quiet), 20 quiet; silence = 10 chunks.
        List<Float> probs = new ArrayList<>();
        add(probs, 10, 0.1f);
        add(probs, 20, 0.9f);
        add(probs, 5, 0.2f);
        add(probs, 1, 0.9f);
        add(probs, 3, 0.4f);
        add(probs, 20, 0.1f);
        TurnDetector d = new TurnDetector(0.5, 10L * CHUNK, CHUNK, 1000);
        List<TurnDetector.Turn> turns = new ArrayList<>();
        probs.forEach(p -> d.next(p).ifPresent(turns::add));
        assertEquals(List.of(new TurnDetector.Turn(true, 1000 + 10L * CHUNK), new TurnDetector.Turn(false, 1000 + 39L * CHUNK)), turns);
        assertEquals(1000 + 59L * CHUNK, d.position());
    }

    private static void add(List<Float> probs, int n, float p) {
        for (int i = 0; i < n; i++) {
            probs.add(p);
        }
    }
}
