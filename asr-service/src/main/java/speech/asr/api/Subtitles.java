package speech.asr.api;

import java.util.ArrayList;
import java.util.List;
import speech.asr.whisper.Segment;
import speech.asr.whisper.Word;

/**
 * Segments → subtitle cues that people can read: cut at word boundaries so that a cue holds at most
 * {@code maxLineCount} lines of at most {@code maxLineWidth} characters (a longer single word gets a
 * line of its own) and lasts at most {@code maxCueSeconds}; no cue overlaps the next. Segments with
 * word timestamps are cut at their words' times; segments without (a model exported without the
 * alignment graph) at times interpolated over their characters. A cue never spans two segments.
 */
public final class Subtitles {

    /** The limits, with the defaults of broadcast subtitle guidelines (42 characters, two lines, 7 s). */
    public record Options(int maxLineWidth, int maxLineCount, double maxCueSeconds) {
        public static Options defaults() {
            return new Options(42, 2, 7.0);
        }
    }

    /** One cue: its lines (already wrapped) and times in seconds. */
    public record Cue(double start, double end, List<String> lines) {
    }

    private Subtitles() {
    }

    public static List<Cue> cues(List<Segment> segments, Options o) {
        List<Cue> cues = new ArrayList<>();
        for (Segment s : segments) {
            List<Word> words = s.words().isEmpty() ? interpolated(s) : s.words();
            List<Word> current = new ArrayList<>();
            for (Word w : words) {
                current.add(w);
                if (current.size() > 1 && (lines(current, o.maxLineWidth()).size() > o.maxLineCount()
                        || w.end() - current.getFirst().start() > o.maxCueSeconds())) {
                    current.removeLast();
                    cues.add(cue(current, o));
                    current = new ArrayList<>(List.of(w));
                }
            }
            if (!current.isEmpty()) {
                cues.add(cue(current, o));
            }
        }
        return withoutOverlaps(cues);
    }

    private static Cue cue(List<Word> words, Options o) {
        return new Cue(words.getFirst().start(), words.getLast().end(), lines(words, o.maxLineWidth()));
    }

    /** Greedy wrapping: a word goes on the current line while the line stays within the width. */
    static List<String> lines(List<Word> words, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (Word w : words) {
            String candidate = (line + w.word()).strip();
            if (!line.isEmpty() && candidate.length() > width) {
                lines.add(line.toString().strip());
                line.setLength(0);
            }
            line.append(line.isEmpty() ? w.word().strip() : w.word());
        }
        if (!line.toString().isBlank()) {
            lines.add(line.toString().strip());
        }
        return lines;
    }

    /** A segment's space-separated words with times shared out over its characters. */
    private static List<Word> interpolated(Segment s) {
        String text = s.text().strip();
        List<Word> out = new ArrayList<>();
        double perChar = (s.end() - s.start()) / Math.max(1, text.length());
        int from = 0;
        for (String piece : text.split(" ")) {
            if (!piece.isEmpty()) {
                int to = from + piece.length();
                out.add(new Word(" " + piece, s.start() + from * perChar, s.start() + to * perChar, 1.0));
                from = to;
            }
            from++;
        }
        return out;
    }

    /** A cue ends where the next begins at the latest (words of two cues may overlap by a few ms). */
    private static List<Cue> withoutOverlaps(List<Cue> cues) {
        List<Cue> out = new ArrayList<>(cues.size());
        for (int i = 0; i < cues.size(); i++) {
            Cue c = cues.get(i);
            double end = i + 1 < cues.size() ? Math.min(c.end(), cues.get(i + 1).start()) : c.end();
            out.add(new Cue(c.start(), Math.max(c.start(), end), c.lines()));
        }
        return out;
    }
}
