package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import speech.asr.Text;
import speech.runtime.audio.FfmpegDecoder;
import speech.runtime.testing.TestData;

/**
 * Word timestamps of tiny.en (alignment.onnx + WordTimings) on real speech: the same words as
 * faster-whisper's {@code word_timestamps=True} on the same weights, at the same times; in order,
 * inside their segments and at absolute times on the 173 s file; the same whether a clip is decoded
 * alone or batched with 20 others.
 */
class WordTimestampsTest {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final ExecutorService POOL = Executors.newVirtualThreadPerTaskExecutor();
    static final DecodingOptions WORDS = DecodingOptions.defaults().toBuilder().wordTimestamps(true).vadFilter(false).build();

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    static float[] pcm(String clip) {
        return FfmpegDecoder.defaults().decode(TestData.speech(clip), 16_000).samples();
    }

    /** A word as spoken (lowercase, no punctuation, "one" = "1"), for matching. */
    static String spoken(String word) {
        return String.join(" ", Text.spokenWords(word));
    }

    static List<Word> words(Transcript t) {
        return t.segments().stream().flatMap(s -> s.words().stream()).toList();
    }

    /**
     * faster-whisper's words on the same tiny.en weights, computed now by
     * src-python/tests/java_fixtures/faster_whisper_words.py in the export venv (into target/), so the
     * reference is what the pinned faster-whisper says, not a copy that could drift from it. No venv, or
     * no faster-whisper in it, fails: the comparison is the point of the test.
     */
    static JsonNode fasterWhisperWords() throws IOException, InterruptedException {
        Path out = Path.of("target", "words", "faster-whisper-tiny.en.json").toAbsolutePath();
        Path log = out.resolveSibling("faster-whisper.log");
        Files.createDirectories(out.getParent());
        Files.deleteIfExists(out);
        Process env = new ProcessBuilder(REPO.resolve("bin/python-env").toString(), "--existing").redirectError(log.toFile()).start();
        String venv = new String(env.getInputStream().readAllBytes()).strip();
        if (env.waitFor() != 0) {
            throw new IllegalStateException("the export venv, where faster-whisper runs, is missing: " + Files.readString(log).strip());
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(venv, "bin", "python").toString(),
                REPO.resolve("src-python/tests/java_fixtures/faster_whisper_words.py").toString(), out.toString())
                .redirectOutput(log.toFile()).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", REPO.resolve("src-python").toString());
        pb.environment().put("SPEECH_SHARED_DIR", TestData.shared().toString());
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("faster-whisper took over 15 min on 21 short clips; its log: " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("faster-whisper failed (exit " + p.exitValue() + "); bin/python-env installs it from "
                    + "src-python/requirements.txt (delete the venv to rebuild it). Its log:\n" + Files.readString(log).strip());
        }
        return new ObjectMapper().readTree(out.toFile());
    }

    /**
     * The 21 English clips, decoded at once (their windows batched), against faster-whisper run now on
     * the same weights: the same words (lowercase, punctuation aside) except where the two decoders hear
     * one word differently (at most one word in at most three clips), and over every word of both
     * |Δstart| and |Δend| within 0.1 s at the median and 0.3 s at the 90th percentile.
     */
    @Test
    void sameWordsAtTheSameTimesAsFasterWhisper() throws Exception {
        JsonNode reference = fasterWhisperWords();
        Transcriber transcriber = new Transcriber(Models.engine(Models.get("tiny.en")), POOL);
        Map<String, Future<Transcript>> runs = new LinkedHashMap<>();
        for (Iterator<String> clips = reference.path("clips").fieldNames(); clips.hasNext(); ) {
            String clip = clips.next();
            runs.put(clip, POOL.submit(() -> transcriber.transcribe(pcm(clip), WORDS, s -> { })));
        }
        assertEquals(21, runs.size());
        List<Double> deltas = new ArrayList<>();
        List<String> differentWords = new ArrayList<>();
        for (Map.Entry<String, Future<Transcript>> run : runs.entrySet()) {
            List<Word> ours = words(run.getValue().get());
            JsonNode theirs = reference.path("clips").path(run.getKey()).path("words");
            List<String> ourWords = ours.stream().map(w -> spoken(w.word())).toList();
            List<String> theirWords = new ArrayList<>();
            theirs.forEach(w -> theirWords.add(spoken(w.path("word").asText())));
            if (!ourWords.equals(theirWords)) {
                differentWords.add(run.getKey() + ": " + ourWords + " vs faster-whisper " + theirWords);
                assertTrue(Text.editDistance(theirWords, ourWords) <= 1, "more than one word decoded differently: " + differentWords.getLast());
            }
            // Pairs of the same word: the common prefix, then the common suffix (one word decoded differently in between).
            int prefix = 0;
            while (prefix < Math.min(ours.size(), theirWords.size()) && ourWords.get(prefix).equals(theirWords.get(prefix))) {
                prefix++;
            }
            int suffix = 0;
            while (suffix < Math.min(ours.size(), theirWords.size()) - prefix
                    && ourWords.get(ours.size() - 1 - suffix).equals(theirWords.get(theirWords.size() - 1 - suffix))) {
                suffix++;
            }
            for (int k = 0; k < prefix + suffix; k++) {
                int i = k < prefix ? k : ours.size() - 1 - (k - prefix);
                int j = k < prefix ? k : theirWords.size() - 1 - (k - prefix);
                deltas.add(Math.abs(ours.get(i).start() - theirs.get(j).path("start").asDouble()));
                deltas.add(Math.abs(ours.get(i).end() - theirs.get(j).path("end").asDouble()));
            }
            ours.forEach(w -> assertTrue(w.probability() > 0 && w.probability() <= 1, w.toString()));
        }
        deltas.sort(Double::compare);
        double median = deltas.get(deltas.size() / 2);
        double p90 = deltas.get((int) Math.floor(deltas.size() * 0.9));
        System.out.printf("word timestamps vs faster-whisper %s: %d starts+ends, median |Δ| %.3f s, p90 %.3f s, max %.3f s%n",
                reference.path("faster_whisper").asText(), deltas.size(), median, p90, deltas.getLast());
        // The decoders (ONNX Runtime here, CTranslate2 there) hear a word differently in a few clips; the words are the same elsewhere.
        System.out.println("clips decoded differently: " + differentWords);
        assertTrue(differentWords.size() <= 3, differentWords.toString());
        assertTrue(deltas.size() >= 300, deltas.size() + " compared");
        assertTrue(median <= 0.1, "median |Δ| " + median);
        assertTrue(p90 <= 0.3, "90th percentile |Δ| " + p90);
    }

    @Test
    void batchedEqualsAlone() throws Exception {
        Transcriber transcriber = new Transcriber(Models.engine(Models.get("tiny.en")), POOL);
        List<Word> alone = words(transcriber.transcribe(pcm("short/en_jfk.wav"), WORDS, s -> { }));
        List<Future<Transcript>> together = new ArrayList<>();
        for (String clip : List.of("short/en_jfk.wav", "short/en_timit_LDC93S1.wav", "short/en_harvard_spk1_snt1.wav",
                "short/en_librispeech_1272-128104-0000.wav")) {
            together.add(POOL.submit(() -> transcriber.transcribe(pcm(clip), WORDS, s -> { })));
        }
        List<Word> batched = words(together.getFirst().get());
        for (Future<Transcript> other : together) {
            assertTrue(!words(other.get()).isEmpty()); // and none is left running on the shared engine
        }
        assertEquals(alone.stream().map(Word::word).toList(), batched.stream().map(Word::word).toList());
        for (int i = 0; i < alone.size(); i++) {
            assertEquals(alone.get(i).start(), batched.get(i).start(), 0.021, alone.get(i).word());
            assertEquals(alone.get(i).end(), batched.get(i).end(), 0.021, alone.get(i).word());
        }
        assertTrue(alone.size() >= 20, alone.toString());
    }

    /**
     * The 173 s file of 42 clips joined by 0.75 s silences: words in order, each inside its segment, at
     * absolute times; each clip's first word (the first word nearer this clip than the previous) starts
     * between the clip's start and its speech onset, 0.3 s either side. The clips' files begin with up to
     * 0.9 s of silence, so "within 0.3 s of the clip's start" alone fails for faster-whisper too (16 of
     * 42 on the same weights, its first words within 0.05 s of these); the onset is the first 10 ms of
     * the source clip within 12 dB of its loudest 10 ms.
     */
    @Test
    void longFileWordsAreOrderedInsideTheirSegmentsAndStartEachClip() throws IOException {
        JsonNode truth = new ObjectMapper().readTree(TestData.speech("long/en_concat_ground_truth_long.segments.json").toFile());
        List<double[]> clips = new ArrayList<>();
        truth.path("segments").forEach(s -> clips.add(new double[] {s.path("start").asDouble(),
                s.path("start").asDouble() + onset(pcm(s.path("source_clip").asText()))}));
        assertEquals(42, clips.size());
        Transcript t = new Transcriber(Models.engine(Models.get("tiny.en")), POOL)
                .transcribe(pcm("long/en_concat_ground_truth_long.wav"), DecodingOptions.defaults().toBuilder().wordTimestamps(true).build(), s -> { });
        List<String> problems = new ArrayList<>();
        double previousStart = 0;
        for (Segment s : t.segments()) {
            assertTrue(!s.words().isEmpty(), "segment without words: " + s);
            for (Word w : s.words()) {
                if (w.start() < previousStart || w.end() < w.start() || w.start() < s.start() - 1e-6 || w.end() > s.end() + 1e-6) {
                    problems.add(String.format("%s [%.2f, %.2f] in segment [%.2f, %.2f] after %.2f", w.word(), w.start(), w.end(),
                            s.start(), s.end(), previousStart));
                }
                previousStart = w.start();
            }
        }
        List<Word> words = words(t);
        assertTrue(words.getLast().end() <= t.duration() && words.getLast().end() > 165, "last word " + words.getLast());
        for (double[] clip : clips) {
            double boundary = clip[0] - 0.375; // the middle of the silence before the clip
            Word first = words.stream().filter(w -> (w.start() + w.end()) / 2 >= boundary).findFirst().orElseThrow();
            System.out.printf("clip @%7.2f  speech @%7.2f  first word %-12s @%7.2f%n", clip[0], clip[1], first.word(), first.start());
            if (first.start() < clip[0] - 0.3 || first.start() > clip[1] + 0.3) {
                problems.add(String.format("clip at %.2f (speech at %.2f): first word %s starts at %.2f", clip[0], clip[1], first.word(), first.start()));
            }
        }
        assertEquals(List.of(), problems);
    }

    /** Seconds to the first 10 ms within 12 dB of the loudest 10 ms. */
    static double onset(float[] samples) {
        int frame = 160;
        double[] energy = new double[samples.length / frame];
        double max = 0;
        for (int f = 0; f < energy.length; f++) {
            for (int i = f * frame; i < (f + 1) * frame; i++) {
                energy[f] += samples[i] * samples[i];
            }
            max = Math.max(max, energy[f]);
        }
        for (int f = 0; f < energy.length; f++) {
            if (10 * Math.log10(energy[f] / max) > -12) {
                return f * frame / 16_000.0;
            }
        }
        return 0;
    }
}
