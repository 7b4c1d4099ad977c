package speech.asr.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import speech.runtime.testing.TestData;

/** A models dir whose tiny.en is an export from before word timestamps: no alignment.onnx, none in its manifest. */
public class OldExportProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("asr.models-dir", oldTinyEn().toString(), "asr.default-model", "tiny.en");
    }

    static Path oldTinyEn() {
        try {
            Path models = Files.createTempDirectory("old-export");
            Path dir = Files.createDirectory(models.resolve("tiny.en"));
            try (Stream<Path> files = Files.list(TestData.model("tiny.en"))) {
                for (Path f : files.filter(f -> !f.getFileName().toString().startsWith("alignment.onnx")).toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
            ObjectMapper json = new ObjectMapper();
            ObjectNode manifest = (ObjectNode) json.readTree(dir.resolve("manifest.json").toFile());
            ((ObjectNode) manifest.path("graphs")).remove("alignment");
            ((ObjectNode) manifest.path("files")).remove("alignment.onnx");
            json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("manifest.json").toFile(), manifest);
            return models;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
