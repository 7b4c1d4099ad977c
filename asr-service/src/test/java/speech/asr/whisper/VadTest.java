package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.TestData;
import speech.asr.Text;
import speech.runtime.audio.FfmpegDecoder;
import speech.runtime.engine.EngineStats;

/**
 * Voice activity detection: audio without speech comes back empty without one encoder or decoder step (the
 * work, not the wall time, is asserted: speed lives in bench/); speech keeps its text and times.
 */
class VadTest {

    static final ExecutorService POOL = Executors.newVirtualThreadPerTaskExecutor();
    static final int RATE = 16_000;

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    @Test
    void thirtySecondsOfSilenceAreEmptyWithoutDecoding() {
        assertEmptyWithoutDecoding(new float[30 * RATE]);
    }

    @Test
    void sixMinutesOfToneAreEmptyWithoutDecoding() {
        float[] tone = new float[360 * RATE];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / RATE));
        }
        assertEmptyWithoutDecoding(tone);
    }

    @Test
    void speechRegionsCoverTheSpeechAndItsTextStays() throws Exception {
        WhisperModel model = Models.get("tiny.en");
        float[] jfk = FfmpegDecoder.defaults().decode(TestData.speech("short/en_jfk.wav"), RATE).samples();
        // 20 s of silence, the clip, 20 s of silence: one region around the clip, the text and times as alone.
        float[] padded = new float[20 * RATE + jfk.length + 20 * RATE];
        System.arraycopy(jfk, 0, padded, 20 * RATE, jfk.length);
        List<Vad.Region> regions = model.vad().orElseThrow().speech(padded);
        assertEquals(1, regions.size(), "regions: " + regions);
        assertTrue(regions.get(0).start() >= 19 * RATE && regions.get(0).end() <= 20 * RATE + jfk.length + RATE, "region: " + regions.get(0));

        Transcript t = new Transcriber(Models.engine(model), POOL).transcribe(padded, DecodingOptions.defaults(), s -> { });
        // The window now starts 0.4 s before the speech, not at the clip's start: tiny may hear one word differently.
        int errors = Text.editDistance(Text.words(TranscriberTest.JFK), Text.words(t.text()));
        assertTrue(errors <= 1, errors + " word errors: " + t.text());
        assertTrue(t.segments().get(0).start() >= 19.5, "absolute times: " + t.segments().get(0));
    }

    private static void assertEmptyWithoutDecoding(float[] samples) {
        WhisperModel model = Models.get("tiny.en");
        WhisperEngine engine = Models.engine(model);
        List<Long> stepsBefore = engine.stats().stream().map(EngineStats::steps).toList();
        Transcript t = new Transcriber(engine, POOL).transcribe(samples, DecodingOptions.defaults(), s -> { });
        assertEquals("", t.text());
        assertEquals(List.of(), t.segments());
        assertEquals(stepsBefore, engine.stats().stream().map(EngineStats::steps).toList(),
                "no encoder or decoder step ran: the VAD dropped every window");
    }

    @Test
    void streamedInPiecesTheProbabilitiesAreTheWholeFilesOnes() throws Exception {
        Vad vad = Models.get("tiny.en").vad().orElseThrow();
        float[] jfk = FfmpegDecoder.defaults().decode(TestData.speech("short/en_jfk.wav"), RATE).samples();
        float[] whole = vad.probabilities(jfk);
        Vad.Stream stream = vad.stream();
        java.util.Random random = new java.util.Random(7);
        float[] streamed = new float[0];
        for (int at = 0; at < jfk.length; ) {
            int n = Math.min(jfk.length - at, 1 + random.nextInt(3000)); // pieces shorter and longer than a chunk
            float[] p = stream.feed(java.util.Arrays.copyOfRange(jfk, at, at + n));
            streamed = java.util.Arrays.copyOf(streamed, streamed.length + p.length);
            System.arraycopy(p, 0, streamed, streamed.length - p.length, p.length);
            at += n;
        }
        // Every full chunk has its probability; the whole-file call adds the zero-padded last one.
        assertEquals(jfk.length / Vad.CHUNK, streamed.length);
        for (int i = 0; i < streamed.length; i++) {
            assertEquals(whole[i], streamed[i], 1e-4, "chunk " + i);
        }
        assertTrue(max(streamed) > 0.9, "speech is found");
    }

    @Test
    void aScanAnswersEachPieceWithTheWholeFilesRegions() throws Exception {
        Vad vad = Models.get("tiny.en").vad().orElseThrow();
        float[] jfk = FfmpegDecoder.defaults().decode(TestData.speech("short/en_jfk.wav"), RATE).samples();
        float[] audio = new float[3 * jfk.length + 8 * RATE]; // speech, 3 s of silence, speech, 5 s, speech
        System.arraycopy(jfk, 0, audio, 0, jfk.length);
        System.arraycopy(jfk, 0, audio, jfk.length + 3 * RATE, jfk.length);
        System.arraycopy(jfk, 0, audio, 2 * jfk.length + 8 * RATE, jfk.length);
        List<Vad.Region> whole = vad.speech(audio);
        assertTrue(whole.size() >= 3, "regions: " + whole);
        Vad.Scan scan = vad.scan(audio);
        for (int end = RATE; end < audio.length + RATE; end += 2 * RATE) {
            int e = Math.min(end, audio.length);
            assertEquals(clip(whole, e), clip(scan.before(e), e), "before " + e);
        }
    }

    /** Every known prefix of random probabilities (the band between the thresholds included) gives the whole's regions before where it says. */
    @Test
    void regionsOfAPrefixAreTheWholesBeforeWhereTheyAreExact() {
        java.util.Random random = new java.util.Random(11);
        for (int round = 0; round < 300; round++) {
            float[] probs = new float[20 + random.nextInt(600)];
            float level = random.nextFloat();
            for (int i = 0; i < probs.length; i++) {
                if (random.nextInt(40) == 0) {
                    level = random.nextFloat();
                }
                probs[i] = Math.clamp(level + (random.nextFloat() - 0.5f) * 0.3f, 0f, 1f);
            }
            int length = (probs.length - 1) * Vad.CHUNK + 1 + random.nextInt(Vad.CHUNK);
            List<Vad.Region> whole = Vad.regions(probs, length);
            for (int chunks = 0; chunks <= probs.length; chunks++) {
                Vad.Prefix prefix = Vad.prefix(probs, chunks, length);
                int exact = Math.min(prefix.exactBefore(), length);
                assertEquals(clip(whole, exact), clip(prefix.regions(), exact), "round " + round + ", " + chunks + " chunks");
            }
            assertEquals(length, Vad.prefix(probs, probs.length, length).exactBefore());
        }
    }

    private static List<Vad.Region> clip(List<Vad.Region> regions, int end) {
        return regions.stream().filter(r -> r.start() < end).map(r -> new Vad.Region(r.start(), Math.min(r.end(), end))).toList();
    }

    private static float max(float[] values) {
        float m = 0;
        for (float v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
