package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import speech.asr.Text;
import speech.runtime.audio.FfmpegDecoder;
import speech.runtime.testing.TestData;

/**
 * The 173 s file of 42 ground-truth clips joined by 0.75 s silences, with tiny.en: every clip's text
 * comes out once, in order, starting within 1 s of its real start; pieces really decode two at a time.
 */
class LongFormTest {

    /** A two-thread pool that records how many pieces ran at the same time. */
    static final AtomicInteger RUNNING = new AtomicInteger();
    static final AtomicInteger MAX_RUNNING = new AtomicInteger();
    static final AtomicInteger TASKS = new AtomicInteger();
    static final ExecutorService POOL = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>()) {
        @Override
        protected void beforeExecute(Thread t, Runnable r) {
            TASKS.incrementAndGet();
            MAX_RUNNING.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
        }

        @Override
        protected void afterExecute(Runnable r, Throwable t) {
            RUNNING.decrementAndGet();
        }
    };

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    record Clip(double start, String text) {
    }

    /** A word of the transcript with an estimated start: its segment's start plus its share of the segment's characters. */
    record TimedWord(String word, double time) {
    }

    @Test
    void everyClipOnceInOrderAtItsTime() throws Exception {
        JsonNode truth = new ObjectMapper().readTree(TestData.speech("long/en_concat_ground_truth_long.segments.json").toFile());
        List<Clip> clips = new ArrayList<>();
        truth.path("segments").forEach(s -> clips.add(new Clip(s.path("start").asDouble(), s.path("text").asText())));
        assertEquals(42, clips.size());

        WhisperModel model = Models.get("tiny.en");
        float[] pcm = FfmpegDecoder.defaults().decode(TestData.speech("long/en_concat_ground_truth_long.wav"),
                model.spec().audio().sampleRate()).samples();
        List<Segment> streamed = new ArrayList<>();
        Transcript t = new Transcriber(Models.engine(model), POOL).transcribe(pcm, DecodingOptions.defaults(), streamed::add);
        t.segments().forEach(s -> System.out.printf("%7.2f %7.2f %s%n", s.start(), s.end(), s.text()));
        assertEquals(t.segments(), streamed);

        List<TimedWord> words = timedWords(t.segments());
        int cursor = 0;
        int referenceWords = 0;
        List<String> problems = new ArrayList<>();
        for (Clip clip : clips) {
            List<String> ref = Text.spokenWords(clip.text());
            referenceWords += ref.size();
            int[] match = bestMatch(words, cursor, ref);
            int errors = match[1];
            double start = words.get(match[0]).time();
            System.out.printf("clip @%6.2f  found @%6.2f  errors %d/%d  %s%n", clip.start(), start, errors, ref.size(), clip.text());
            if (errors > ref.size() / 2) { // tiny mishears some words ("Tear a thin sheet" → "Terith and sheet")
                problems.add("clip at " + clip.start() + " not found: " + clip.text());
            } else if (Math.abs(clip.start() - start) > 1.0) {
                problems.add(String.format("clip at %.2f found at %.2f: %s", clip.start(), start, clip.text()));
            }
            cursor = match[0] + match[2];
        }
        assertEquals(List.of(), problems);
        // Nothing doubled at a cut: the transcript has no more words than the reference (allowing tiny's splits of a word).
        assertTrue(words.size() <= referenceWords * 1.05, words.size() + " words for " + referenceWords + " reference words");
        assertTrue(TASKS.get() >= 6, "173 s should be cut into at least 6 pieces");
        assertEquals(2, MAX_RUNNING.get(), "pieces should decode two at a time");
    }

    static List<TimedWord> timedWords(List<Segment> segments) {
        List<TimedWord> out = new ArrayList<>();
        for (Segment s : segments) {
            String text = s.text().strip();
            List<String> w = Text.spokenWords(text);
            int pos = 0;
            String lower = String.join(" ", w);
            for (String word : w) {
                int at = lower.indexOf(word, pos);
                pos = at + word.length();
                out.add(new TimedWord(word, s.start() + (s.end() - s.start()) * at / (double) Math.max(1, lower.length())));
            }
        }
        return out;
    }

    /** {start index, edit distance, length} of the best window (±3 words) for {@code ref} starting at or after {@code from}. */
    static int[] bestMatch(List<TimedWord> words, int from, List<String> ref) {
        int[] best = {Math.min(from, words.size() - 1), Integer.MAX_VALUE, ref.size()};
        for (int i = Math.max(0, from); i < Math.min(words.size(), from + 20); i++) {
            for (int len = Math.max(1, ref.size() - 3); len <= ref.size() + 3 && i + len <= words.size(); len++) {
                List<String> window = words.subList(i, i + len).stream().map(TimedWord::word).toList();
                int e = Text.editDistance(ref, window);
                if (e < best[1] || e == best[1] && i == best[0] && Math.abs(len - ref.size()) < Math.abs(best[2] - ref.size())) {
                    best = new int[] {i, e, len};
                }
            }
        }
        return best;
    }
}
