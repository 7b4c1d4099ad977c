package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** openai/whisper's segment rules, on token sequences in tiny.en's id space (timestamp_begin 50363, 0.02 s). */
class SegmenterTest {

    static final int TS = 50363;
    final Segmenter segmenter = new Segmenter(TS, 0.02, 2);

    static int ts(double seconds) {
        return TS + (int) Math.round(seconds / 0.02);
    }

    @Test
    void pairsMakeSegmentsAndASingleFinalTimestampCompletesTheWindow() {
        List<Integer> tokens = List.of(ts(0), 843, 523, ts(7.74), ts(7.74), 1265, 644, ts(10.74));
        Segmenter.Split split = segmenter.split(tokens, 1100);
        assertEquals(2, split.pieces().size());
        assertEquals(0.0, split.pieces().get(0).start(), 1e-9);
        assertEquals(7.74, split.pieces().get(0).end(), 1e-9);
        assertEquals(List.of(ts(0), 843, 523, ts(7.74)), split.pieces().get(0).tokens());
        assertEquals(7.74, split.pieces().get(1).start(), 1e-9);
        assertEquals(10.74, split.pieces().get(1).end(), 1e-9);
        assertEquals(1100, split.advanceFrames(), "single timestamp ending: the whole window is done");
    }

    @Test
    void endingOnAPairResumesAtTheLastTimestamp() {
        List<Integer> tokens = List.of(ts(0), 843, ts(5), ts(5), 1265, ts(12.5), ts(12.5));
        Segmenter.Split split = segmenter.split(tokens, 3000);
        assertEquals(2, split.pieces().size());
        assertEquals(12.5, split.pieces().get(1).end(), 1e-9);
        assertEquals(1250, split.advanceFrames(), "12.5 s = 1250 mel frames");
    }

    @Test
    void noPairIsOneSegmentUpToTheLastTimestampOrTheWindow() {
        Segmenter.Split withEnd = segmenter.split(List.of(ts(0), 843, 523, ts(4.2)), 3000);
        assertEquals(1, withEnd.pieces().size());
        assertEquals(4.2, withEnd.pieces().get(0).end(), 1e-9);
        assertEquals(3000, withEnd.advanceFrames());

        Segmenter.Split textOnly = segmenter.split(List.of(843, 523), 800);
        assertEquals(8.0, textOnly.pieces().get(0).end(), 1e-9, "800 frames = 8 s");
        assertEquals(800, textOnly.advanceFrames());
    }
}
