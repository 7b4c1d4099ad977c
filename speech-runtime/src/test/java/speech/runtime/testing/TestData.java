package speech.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the tests of every module find ../shared and the exported test models (system properties set
 * by Maven; {@code SPEECH_SHARED_DIR} for the shared data when it lives elsewhere).
 */
public final class TestData {

    private TestData() {
    }

    public static Path shared() {
        String env = System.getenv("SPEECH_SHARED_DIR");
        String dir = System.getProperty("speech.shared-dir", env != null && !env.isBlank() ? env : "../../shared");
        return Path.of(dir).toAbsolutePath().normalize();
    }

    /** A file under {@code shared/speech}, e.g. {@code short/en_jfk.wav}. */
    public static Path speech(String relative) {
        return shared().resolve("speech").resolve(relative);
    }

    public static Path modelsDir() {
        return Path.of(System.getProperty("speech.test.models-dir", "../onnx-export/target/models")).toAbsolutePath().normalize();
    }

    /** An exported test model's folder; fails loudly (naming the command that exports it) when it is missing. */
    public static Path model(String id) {
        Path dir = modelsDir().resolve(id);
        if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
            throw new IllegalStateException("test model " + id + " is missing in " + modelsDir()
                    + "; the onnx-export module exports it (./mvnw -pl onnx-export process-test-resources)");
        }
        return dir;
    }

    /** transcripts.tsv rows (header dropped), split on tabs. */
    public static List<String[]> transcripts() {
        try (Stream<String> lines = Files.lines(speech("transcripts.tsv"))) {
            return lines.skip(1).filter(l -> !l.isBlank()).map(l -> l.split("\t", -1)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A raw little-endian float32 file (the golden vectors under shared/). */
    public static float[] readF32(Path file) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 4];
            b.asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
