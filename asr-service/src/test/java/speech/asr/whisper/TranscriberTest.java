package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import speech.asr.Text;
import speech.runtime.audio.FfmpegDecoder;
import speech.runtime.testing.TestData;

/** tiny.en on real English clips: exact JFK (greedy and beam), WER on the ground-truth set, fallback, invariants. */
class TranscriberTest {

    static final String JFK = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";
    static final ExecutorService POOL = Executors.newFixedThreadPool(2);

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    static Transcript run(String clip, DecodingOptions options) {
        WhisperModel model = Models.get("tiny.en");
        float[] pcm = FfmpegDecoder.defaults().decode(TestData.speech(clip), model.spec().audio().sampleRate()).samples();
        return new Transcriber(Models.engine(model), POOL).transcribe(pcm, options, s -> { });
    }

    @Test
    void jfkGreedyIsExact() {
        Transcript t = run("short/en_jfk.wav", DecodingOptions.defaults());
        t.segments().forEach(s -> System.out.printf("greedy %.2f-%.2f %s %s%n", s.start(), s.end(), s.text(), s.tokens()));
        assertEquals(Text.normalize(JFK), Text.normalize(t.text()));
        assertEquals("en", t.language());
        assertEquals(11.0, t.duration(), 0.01);
    }

    @Test
    void int8GraphsAreServedToo() {
        WhisperModel int8 = Models.get("tiny.en-int8");
        assertEquals("int8", int8.spec().precision());
        float[] pcm = FfmpegDecoder.defaults().decode(TestData.speech("short/en_jfk.wav"), 16000).samples();
        Transcript t = new Transcriber(Models.engine(int8), POOL).transcribe(pcm, DecodingOptions.defaults(), s -> { });
        assertEquals(Text.normalize(JFK), Text.normalize(t.text()));
    }

    @Test
    void jfkBeamFiveIsExact() {
        Transcript t = run("short/en_jfk_44k_stereo.flac", DecodingOptions.defaults().toBuilder().beamSize(5).build());
        t.segments().forEach(s -> System.out.printf("beam5 %.2f-%.2f %s%n", s.start(), s.end(), s.text()));
        assertEquals(Text.normalize(JFK), Text.normalize(t.text()));
    }

    @Test
    void englishGroundTruthWerAtMost12Percent() {
        int errors = 0;
        int words = 0;
        for (String[] row : TestData.transcripts()) {
            if (!row[1].equals("en") || !row[4].equals("ground_truth") || row[2].contains("|")) {
                continue; // the two-speaker stereo row has a LEFT/RIGHT layout, not a plain transcript
            }
            String hyp = run(row[0], DecodingOptions.defaults()).text();
            List<String> ref = Text.words(row[2]);
            int e = Text.editDistance(ref, Text.words(hyp));
            System.out.printf("WER %-45s %d/%d  %s%n", row[0], e, ref.size(), hyp);
            errors += e;
            words += ref.size();
        }
        double wer = errors / (double) words;
        System.out.printf("tiny.en overall WER %.2f%% (%d/%d words)%n", 100 * wer, errors, words);
        assertTrue(words > 150, "too few reference words: " + words);
        assertTrue(wer <= 0.12, "WER " + wer);
    }

    @Test
    void impossibleLogProbThresholdWalksTheWholeTemperatureLadder() {
        // avg log-prob is always < 0, so every temperature fails the gate and the last one is kept.
        DecodingOptions forced = DecodingOptions.defaults().toBuilder().logProbThreshold(0.0).noSpeechThreshold(1.0).build();
        Transcript t = run("short/en_jfk.wav", forced);
        assertTrue(t.segments().size() > 0);
        for (Segment s : t.segments()) {
            assertEquals(1.0, s.temperature(), 1e-9, "fallback should end at the last temperature");
        }
        Transcript normal = run("short/en_jfk.wav", DecodingOptions.defaults());
        normal.segments().forEach(s -> assertEquals(0.0, s.temperature(), 1e-9));
    }

    @Test
    void timestampsAreOrderedAndWithinTheDuration() {
        for (String clip : List.of("short/en_jfk.wav", "short/en_numbers_norm.wav", "short/en_stereo_two_speakers.wav")) {
            Transcript t = run(clip, DecodingOptions.defaults());
            List<Segment> seen = new ArrayList<>(t.segments());
            double previousEnd = 0;
            for (Segment s : seen) {
                assertTrue(s.start() >= previousEnd - 1e-9, clip + ": segment " + s.id() + " starts before the previous end");
                assertTrue(s.end() > s.start(), clip + ": empty segment " + s.id());
                assertTrue(s.end() <= t.duration() + 1e-9, clip + ": segment " + s.id() + " ends after the audio");
                previousEnd = s.end();
            }
        }
    }
}
