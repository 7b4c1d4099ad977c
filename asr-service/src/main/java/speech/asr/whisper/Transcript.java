package speech.asr.whisper;

import java.util.List;

/** The result of one file: segments in order, their joined text, the language used and the audio length. */
public record Transcript(Task task, String language, double duration, String text, List<Segment> segments) {
}
