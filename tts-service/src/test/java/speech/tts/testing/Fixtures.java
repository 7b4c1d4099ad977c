package speech.tts.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the shared read-only data and the exported test models (system properties set by Maven). */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path shared() {
        return Path.of(System.getProperty("speech.shared-dir", "../../shared")).toAbsolutePath().normalize();
    }

    public static Path echo() {
        return shared().resolve("fixtures/echo-tts");
    }

    public static Safetensors echoCase(String name) {
        return Safetensors.read(echo().resolve("cases").resolve(name + ".safetensors"));
    }

    public static Path modelsDir() {
        return Path.of(System.getProperty("speech.test.models-dir", "../onnx-export/target/models")).toAbsolutePath().normalize();
    }

    /** The tiny Echo-TTS export the Java tests run on. */
    public static Path tinyEcho() {
        return modelsDir().resolve("echo-tts-tiny");
    }

    public static boolean tinyEchoExported() {
        return Files.isRegularFile(tinyEcho().resolve("manifest.json"));
    }

    public static Path speech(String relative) {
        return shared().resolve("speech").resolve(relative);
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
