package speech.runtime.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reliability: an ffmpeg process never outlives its deadline or its request, whatever it does with its pipes. */
class FfmpegProcessReliabilityTest {

    @TempDir
    Path dir;

    @Test
    void aProcessThatKeepsItsStdoutOpenIsKilledAtTheDeadline() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            long start = System.nanoTime();
            FfmpegProcess.Failure f = assertThrows(FfmpegProcess.Failure.class,
                    () -> FfmpegProcess.run(List.of("sh", "-c", "echo started; sleep 60"), null, Duration.ofSeconds(1)));
            assertTrue(f.timedOut());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "killed at its 1 s deadline");
        });
    }

    @Test
    void aCancelledRequestKillsItsProcess() throws Exception {
        Path pidFile = dir.resolve("pid");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                FfmpegProcess.run(List.of("sh", "-c", "echo $$ > " + pidFile + "; exec sleep 60"), null, Duration.ofMinutes(5));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        worker.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(Files.exists(pidFile) && Files.size(pidFile) > 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        worker.interrupt();
        worker.join(5_000);
        assertFalse(worker.isAlive(), "the cancelled call returned");
        assertTrue(thrown.get() instanceof FfmpegProcess.Failure, "answered as a failure: " + thrown.get());
        Thread.sleep(200);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the process is gone");
    }

    @Test
    void pipesArePumpedEvenWhenTheCommonPoolIsStarved() throws Exception {
        int blockers = ForkJoinPool.getCommonPoolParallelism() + 2;
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < blockers; i++) {
            ForkJoinPool.commonPool().execute(() -> {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            byte[] input = new byte[4 << 20];
            for (int i = 0; i < input.length; i++) {
                input[i] = (byte) i;
            }
            byte[] out = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> FfmpegProcess.run(List.of("cat"), input, Duration.ofSeconds(8)));
            assertArrayEquals(input, out);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aChattyStderrNeitherBlocksNorFillsTheHeap() {
        FfmpegProcess.Failure f = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(FfmpegProcess.Failure.class,
                () -> FfmpegProcess.run(List.of("sh", "-c", "head -c 20000000 /dev/zero | tr '\\0' x >&2; echo last words >&2; exit 3"),
                        null, Duration.ofSeconds(15))));
        assertFalse(f.timedOut());
        assertTrue(f.stderr().length() <= FfmpegProcess.STDERR_TAIL_BYTES, "only the tail is kept: " + f.stderr().length());
        assertTrue(f.stderr().endsWith("last words"), "the last line is kept");
    }

    @Test
    void playlistsAreNotFollowed() throws Exception {
        FfmpegDecoder decoder = new FfmpegDecoder("ffmpeg", Duration.ofSeconds(20));
        Path wav = dir.resolve("inside.wav");
        Files.write(wav, Wav.encode(new Pcm(new float[16000], 16000)));
        assertEquals(16000, decoder.decode(wav, 16000).samples().length, "a plain wav decodes");
        Path concat = dir.resolve("upload-1");
        Files.writeString(concat, "ffconcat version 1.0\nfile inside.wav\n");
        Path hls = dir.resolve("upload-2");
        Files.writeString(hls, "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n" + wav + "\n#EXT-X-ENDLIST\n");
        for (Path playlist : List.of(concat, hls)) {
            AudioDecodeException e = assertThrows(AudioDecodeException.class, () -> decoder.decode(playlist, 16000));
            assertFalse(e.getMessage().contains(dir.toString()), "no server path in: " + e.getMessage());
            assertThrows(AudioDecodeException.class, () -> new AudioProbe("ffprobe", Duration.ofSeconds(20)).probe(playlist));
        }
    }
}
