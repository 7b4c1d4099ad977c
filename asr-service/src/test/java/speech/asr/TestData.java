package speech.asr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the tests find ../shared and the exported test models (system properties set by Maven). */
public final class TestData {

    private TestData() {
    }

    public static Path shared() {
        return Path.of(System.getProperty("speech.shared-dir", "../../shared")).toAbsolutePath().normalize();
    }

    public static Path speech(String relative) {
        return shared().resolve("speech").resolve(relative);
    }

    public static Path modelsDir() {
        return Path.of(System.getProperty("speech.test.models-dir", "../onnx-export/target/models")).toAbsolutePath().normalize();
    }

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
