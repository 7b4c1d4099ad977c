package speech.asr.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import speech.asr.whisper.Segment;
import speech.asr.whisper.Task;
import speech.asr.whisper.Transcript;

class TranscriptWriterTest {

    static final List<Segment> SEGMENTS = List.of(
            new Segment(0, 0, 0.0, 7.74, " And so my fellow Americans", List.of(50363, 843), 0, -0.2, 1.3, 0.01),
            new Segment(1, 0, 7.74, 3725.5, " ask what you can do.", List.of(1265), 0.2, -0.3, 1.2, 0.02));

    @Test
    void srtNumbersCuesWithCommaMilliseconds() {
        assertEquals("1\n00:00:00,000 --> 00:00:07,740\nAnd so my fellow Americans\n\n"
                + "2\n00:00:07,740 --> 01:02:05,500\nask what you can do.\n\n", TranscriptWriter.srt(SEGMENTS));
    }

    @Test
    void vttHasAHeaderAndDotMilliseconds() {
        assertEquals("WEBVTT\n\n00:00:00.000 --> 00:00:07.740\nAnd so my fellow Americans\n\n"
                + "00:00:07.740 --> 01:02:05.500\nask what you can do.\n\n", TranscriptWriter.vtt(SEGMENTS));
    }

    @Test
    void textAndVerboseJson() {
        Transcript t = new Transcript(Task.TRANSCRIBE, "en", 3726.0, "And so my fellow Americans ask what you can do.", SEGMENTS);
        assertEquals("And so my fellow Americans ask what you can do.\n", TranscriptWriter.write(ResponseFormat.TEXT, t, 1.0, "tiny.en"));
        TranscriptWriter.VerboseJson v = TranscriptWriter.verbose(t, 1.23456, "tiny.en");
        assertEquals("transcribe", v.task());
        assertEquals(1.235, v.processingSeconds());
        assertEquals(7.74, v.segments().get(1).start());
        assertEquals(0.2, v.segments().get(1).temperature());
    }

    @Test
    void roundsToTheNearestMillisecond() {
        assertEquals("00:00:01,000", TranscriptWriter.time(0.9996, ','));
        assertEquals("00:00:00,000", TranscriptWriter.time(-0.5, ','));
    }
}
