package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import speech.runtime.audio.FfmpegDecoder;
import speech.runtime.testing.TestData;

/** Cuts of the 173 s file fall inside its 0.75 s silences, and pieces cover it end to end, none over 30 s. */
class SilenceSplitterTest {

    @Test
    void cutsFallInTheGapsBetweenClips() throws Exception {
        JsonNode truth = new ObjectMapper().readTree(TestData.speech("long/en_concat_ground_truth_long.segments.json").toFile());
        List<double[]> gaps = new ArrayList<>();
        JsonNode segs = truth.path("segments");
        for (int i = 1; i < segs.size(); i++) {
            gaps.add(new double[] {segs.get(i - 1).path("end").asDouble(), segs.get(i).path("start").asDouble()});
        }
        float[] pcm = FfmpegDecoder.defaults().decode(TestData.speech("long/en_concat_ground_truth_long.wav"), 16000).samples();

        List<SilenceSplitter.Piece> pieces = new SilenceSplitter(16000, 30, 10, 0.5, 0.1).split(pcm);

        assertTrue(pieces.size() >= 6, "pieces: " + pieces.size());
        assertEquals(0, pieces.get(0).start());
        assertEquals(pcm.length, pieces.get(pieces.size() - 1).end());
        for (int i = 0; i < pieces.size(); i++) {
            SilenceSplitter.Piece p = pieces.get(i);
            assertTrue(p.length() <= 30 * 16000, "piece " + i + " is longer than 30 s");
            if (i > 0) {
                assertEquals(pieces.get(i - 1).end(), p.start(), "pieces must touch");
                double cut = p.start() / 16000.0;
                boolean inGap = gaps.stream().anyMatch(g -> cut > g[0] + 0.05 && cut < g[1] - 0.05);
                System.out.printf("cut at %.2f s%n", cut);
                assertTrue(inGap, "cut at " + cut + " s is not inside a silence between clips");
            }
        }
    }

    @Test
    void shortAudioIsOnePieceAndSilenceIsCutNotSpeech() {
        SilenceSplitter splitter = new SilenceSplitter(100, 10, 4, 0.3, 0.1);
        assertEquals(List.of(new SilenceSplitter.Piece(0, 500)), splitter.split(new float[500]));
        // 25 s of "speech" (a tone) with one 1 s pause at 7-8 s: the only allowed cut is inside it.
        float[] tone = new float[2500];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = i >= 700 && i < 800 ? 0f : (float) Math.sin(i * 0.3);
        }
        List<SilenceSplitter.Piece> pieces = splitter.split(tone);
        assertTrue(pieces.get(0).end() > 700 && pieces.get(0).end() < 800, "cut at " + pieces.get(0).end());
    }
}
