package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.TestData;
import speech.runtime.audio.FfmpegDecoder;
import speech.runtime.engine.EngineStats;

/** Requests batched together by the engine decode exactly the tokens each decodes alone (greedy). */
class BatchedDecodingTest {

    @Test
    void batchedEqualsAloneOnTheSharedEnglishClips() throws Exception {
        WhisperModel model = Models.get("tiny.en");
        List<Path> clips;
        try (Stream<Path> files = Files.list(TestData.speech("short"))) {
            clips = files.filter(p -> p.getFileName().toString().startsWith("en_")).sorted().toList();
        }
        assertTrue(clips.size() >= 10, "shared English clips: " + clips);
        List<float[]> audio = new ArrayList<>();
        for (Path clip : clips) {
            audio.add(FfmpegDecoder.defaults().decode(clip, model.spec().audio().sampleRate()).samples());
        }
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            WhisperEngine aloneEngine = Models.newEngine(model);
            List<List<List<Integer>>> alone = new ArrayList<>();
            for (float[] pcm : audio) {
                alone.add(tokens(new Transcriber(aloneEngine, pool).transcribe(pcm, DecodingOptions.defaults(), s -> { })));
            }
            aloneEngine.close();

            WhisperEngine batched = Models.newEngine(model);
            List<Future<Transcript>> together = new ArrayList<>();
            for (float[] pcm : audio) {
                together.add(pool.submit(() -> new Transcriber(batched, pool).transcribe(pcm, DecodingOptions.defaults(), s -> { })));
            }
            for (int i = 0; i < clips.size(); i++) {
                assertEquals(alone.get(i), tokens(together.get(i).get()), clips.get(i).getFileName().toString());
            }
            EngineStats decoder = batched.stats().get(1);
            System.out.println("batched: " + decoder);
            // On a CPU the encoder (one window at a time, ~0.2 s each) paces short clips, so decoding
            // overlaps only partly; the mean is above 1 only if steps ran rows of several requests.
            assertTrue(decoder.meanRowsPerStep() > 1.05, "the decoder should have run rows of several requests per step: " + decoder);
            batched.close();
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<List<Integer>> tokens(Transcript t) {
        return t.segments().stream().map(Segment::tokens).toList();
    }
}
