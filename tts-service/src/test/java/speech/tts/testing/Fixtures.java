package speech.tts.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import speech.runtime.testing.TestData;

/** Echo-TTS fixtures under the shared data, the tiny test export, and tolerance helpers (paths from the runtime's {@link TestData}). */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path echo() {
        return TestData.shared().resolve("fixtures/echo-tts");
    }

    public static Safetensors echoCase(String name) {
        return Safetensors.read(echo().resolve("cases").resolve(name + ".safetensors"));
    }

    /** The tiny Echo-TTS export the Java tests run on. */
    public static Path tinyEcho() {
        return TestData.modelsDir().resolve("echo-tts-tiny");
    }

    public static boolean tinyEchoExported() {
        return Files.isRegularFile(tinyEcho().resolve("manifest.json"));
    }

    /** max |a − b| over all elements. */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    /** max(1, max|x|): the README's tolerance scale. */
    public static double scale(float[] x) {
        double max = 1;
        for (float v : x) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
