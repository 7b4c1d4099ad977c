package speech.asr.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import speech.asr.whisper.Segment;
import speech.asr.whisper.Task;
import speech.asr.whisper.Transcript;
import speech.asr.whisper.Word;

class TranscriptWriterTest {

    static final List<Segment> SEGMENTS = List.of(
            segment(0, 0.0, 6.5, " And so my fellow Americans", List.of()),
            segment(1, 3720.0, 3725.5, " ask what you can do.", List.of()));

    static Segment segment(int id, double start, double end, String text, List<Word> words) {
        return new Segment(id, 0, start, end, text, List.of(50363, 843), 0.2, -0.2, 1.3, 0.01, "en", words);
    }

    @Test
    void srtNumbersCuesWithCommaMilliseconds() {
        assertEquals("1\n00:00:00,000 --> 00:00:06,500\nAnd so my fellow Americans\n\n"
                + "2\n01:02:00,000 --> 01:02:05,500\nask what you can do.\n\n", TranscriptWriter.srt(Subtitles.cues(SEGMENTS, Subtitles.Options.defaults())));
    }

    @Test
    void vttHasAHeaderAndDotMilliseconds() {
        assertEquals("WEBVTT\n\n00:00:00.000 --> 00:00:06.500\nAnd so my fellow Americans\n\n"
                + "01:02:00.000 --> 01:02:05.500\nask what you can do.\n\n", TranscriptWriter.vtt(Subtitles.cues(SEGMENTS, Subtitles.Options.defaults())));
    }

    /** 16 words of 9 characters, 0.4 s each: 4 fit on a 42-character line, so 8 on a two-line cue. */
    @Test
    void wordCuesKeepTheLineWidthLineCountAndNeverOverlap() {
        List<Word> words = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            words.add(new Word(" word" + String.format("%04d", i), i * 0.4, i * 0.4 + 0.45, 0.9)); // each overlaps the next by 50 ms
        }
        List<Subtitles.Cue> cues = Subtitles.cues(List.of(segment(0, 0, 6.45, "", words)), Subtitles.Options.defaults());
        assertEquals(2, cues.size());
        assertEquals(List.of("word0000 word0001 word0002 word0003", "word0004 word0005 word0006 word0007"), cues.get(0).lines());
        assertEquals(0.0, cues.get(0).start());
        assertEquals(3.2, cues.get(0).end(), 1e-9); // word0007 ends at 3.25, the next cue starts at 3.2
        assertEquals(3.2, cues.get(1).start(), 1e-9);
        assertEquals(6.45, cues.get(1).end(), 1e-9);

        List<Subtitles.Cue> short3 = Subtitles.cues(List.of(segment(0, 0, 6.45, "", words)), new Subtitles.Options(42, 2, 3.0));
        assertTrue(short3.stream().allMatch(c -> c.end() - c.start() <= 3.0), short3.toString());
        assertEquals(3, short3.size()); // 7 words (2.85 s), 7, then 2

        List<Subtitles.Cue> oneLine = Subtitles.cues(List.of(segment(0, 0, 6.45, "", words)), new Subtitles.Options(20, 1, 7.0));
        assertEquals(8, oneLine.size());
        assertEquals(List.of("word0000 word0001"), oneLine.getFirst().lines());
    }

    @Test
    void segmentsWithoutWordsAreCutAtInterpolatedTimes() {
        String text = " " + "one two three four five six seven eight nine ten ".repeat(3).strip();
        List<Subtitles.Cue> cues = Subtitles.cues(List.of(segment(0, 10.0, 25.0, text, List.of())), Subtitles.Options.defaults());
        assertTrue(cues.size() >= 3, cues.toString());
        assertEquals(10.0, cues.getFirst().start());
        assertEquals(25.0, cues.getLast().end(), 1e-9);
        for (int i = 0; i < cues.size(); i++) {
            Subtitles.Cue c = cues.get(i);
            assertTrue(c.end() - c.start() <= 7.0 && c.lines().size() <= 2 && c.lines().stream().allMatch(l -> l.length() <= 42), c.toString());
            assertTrue(i == 0 || cues.get(i - 1).end() <= c.start());
        }
        assertEquals(text.strip(), String.join(" ", cues.stream().flatMap(c -> c.lines().stream()).toList()));
    }

    @Test
    void textAndVerboseJson() {
        Transcript t = new Transcript(Task.TRANSCRIBE, "en", 3726.0, "And so my fellow Americans ask what you can do.", SEGMENTS);
        assertEquals("And so my fellow Americans ask what you can do.\n",
                TranscriptWriter.write(ResponseFormat.TEXT, t, 1.0, "tiny.en", TranscriptWriter.Options.defaults()));
        TranscriptWriter.VerboseJson v = TranscriptWriter.verbose(t, 1.23456, "tiny.en", TranscriptWriter.Options.defaults());
        assertEquals("transcribe", v.task());
        assertEquals(1.235, v.processingSeconds());
        assertEquals(3720.0, v.segments().get(1).start());
        assertEquals(0.2, v.segments().get(1).temperature());
        assertEquals("en", v.segments().get(1).language());
        assertNull(v.words());
    }

    @Test
    void wordGranularityAloneGivesWordsWithoutSegments() {
        List<Segment> timed = List.of(segment(0, 0.0, 1.0, " Hello there.", List.of(new Word(" Hello", 0.0, 0.42, 0.91234), new Word(" there.", 0.42, 1.0, 0.8))));
        Transcript t = new Transcript(Task.TRANSCRIBE, "en", 1.0, "Hello there.", timed);
        TranscriptWriter.VerboseJson words = TranscriptWriter.verbose(t, 0.1, "tiny.en", new TranscriptWriter.Options(false, true, Subtitles.Options.defaults()));
        assertNull(words.segments());
        assertEquals(List.of(new TranscriptWriter.WordJson(" Hello", 0.0, 0.42, 0.9123), new TranscriptWriter.WordJson(" there.", 0.42, 1.0, 0.8)), words.words());
        TranscriptWriter.VerboseJson both = TranscriptWriter.verbose(t, 0.1, "tiny.en", new TranscriptWriter.Options(true, true, Subtitles.Options.defaults()));
        assertEquals(1, both.segments().size());
        assertEquals(2, both.words().size());
    }

    @Test
    void roundsToTheNearestMillisecond() {
        assertEquals("00:00:01,000", TranscriptWriter.time(0.9996, ','));
        assertEquals("00:00:00,000", TranscriptWriter.time(-0.5, ','));
    }
}
