package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import speech.runtime.audio.FfmpegDecoder;
import speech.runtime.model.Manifest;
import speech.runtime.ort.OrtSessions;
import speech.runtime.ort.OrtSettings;
import speech.runtime.testing.TestData;

/** Closing a model while a transcription runs ends that transcription with an exception, not a native crash. */
class WhisperModelCloseTest {

    @Test
    void closeDuringDecodingIsSafe() throws Exception {
        WhisperModel model = WhisperModel.load(Manifest.read(TestData.model("tiny.en")).verifyFiles(), new OrtSessions(OrtSettings.cpu()));
        float[] pcm = FfmpegDecoder.defaults().decode(TestData.speech("long/en_concat_ground_truth_long.wav"), 16000).samples();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<Transcript> running = caller.submit(() -> new Transcriber(Models.newEngine(model), pool).transcribe(pcm, DecodingOptions.defaults(), s -> { }));
            while (!running.isDone() && ((java.util.concurrent.ThreadPoolExecutor) pool).getActiveCount() == 0) {
                Thread.onSpinWait();
            }
            model.close(); // waits for the graph calls in flight, then frees the sessions
            ExecutionException e = assertThrows(ExecutionException.class, running::get);
            assertTrue(e.getCause() instanceof CancellationException, "cause: " + e.getCause());
        } finally {
            pool.shutdownNow();
            caller.shutdownNow();
        }
    }
}
