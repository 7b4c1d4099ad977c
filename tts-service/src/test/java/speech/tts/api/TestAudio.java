package speech.tts.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import speech.runtime.testing.TestData;

/** Reference recordings for API tests: real speech from ../shared, generated bad inputs in target/. */
final class TestAudio {

    private static final Path DIR = Path.of("target", "test-audio").toAbsolutePath();

    private TestAudio() {
    }

    /** JFK, 11 s of real speech. */
    static Path jfk() {
        return TestData.speech("short/en_jfk.wav");
    }

    static Path jfkMp3() {
        return TestData.speech("short/en_jfk.mp3");
    }

    static synchronized Path silent() {
        return ffmpeg("silent-12s.wav", "-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-t", "12");
    }

    static synchronized Path threeSeconds() {
        return ffmpeg("jfk-3s.wav", "-i", jfk().toString(), "-t", "3");
    }

    /** 20 minutes of tone: cheap to make, and the decoder must stop reading it early. */
    static synchronized Path twentyMinutes() {
        return ffmpeg("tone-20min.flac", "-f", "lavfi", "-i", "sine=frequency=220:sample_rate=8000", "-t", "1200");
    }

    static synchronized Path corrupt() {
        return bytes("corrupt.wav", riffHeaderThenNoise(4096));
    }

    static synchronized Path text() {
        return bytes("notes.wav", "this is a text file, not audio\n".repeat(100).getBytes());
    }

    /** 60 MB of noise (over the 50 MB limit). */
    static synchronized Path sixtyMegabytes() {
        Path file = DIR.resolve("big-60mb.bin");
        if (!Files.isRegularFile(file)) {
            byte[] block = new byte[1 << 20];
            new Random(1).nextBytes(block);
            try {
                Files.createDirectories(DIR);
                try (var out = Files.newOutputStream(file)) {
                    for (int i = 0; i < 60; i++) {
                        out.write(block);
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return file;
    }

    private static byte[] riffHeaderThenNoise(int n) {
        byte[] b = new byte[n];
        new Random(2).nextBytes(b);
        System.arraycopy("RIFF".getBytes(), 0, b, 0, 4);
        return b;
    }

    private static Path bytes(String name, byte[] data) {
        try {
            Files.createDirectories(DIR);
            return Files.write(DIR.resolve(name), data);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path ffmpeg(String name, String... args) {
        Path out = DIR.resolve(name);
        if (Files.isRegularFile(out)) {
            return out;
        }
        try {
            Files.createDirectories(DIR);
            List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"));
            cmd.addAll(List.of(args));
            cmd.addAll(List.of("-ac", "1", out.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("ffmpeg failed: " + log);
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
