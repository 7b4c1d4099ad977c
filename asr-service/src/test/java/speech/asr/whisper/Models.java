package speech.asr.whisper;

import ai.onnxruntime.OrtException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import speech.runtime.testing.TestData;
import speech.runtime.engine.EngineLimits;
import speech.runtime.model.Manifest;
import speech.runtime.ort.OrtSessions;
import speech.runtime.ort.OrtSettings;

/** Real exported models, loaded once per test JVM (sessions are closed when the JVM exits). */
final class Models {

    private static final OrtSessions SESSIONS = new OrtSessions(OrtSettings.cpu());
    private static final Map<String, WhisperModel> LOADED = new ConcurrentHashMap<>();
    private static final Map<WhisperModel, WhisperEngine> ENGINES = new ConcurrentHashMap<>();

    private Models() {
    }

    static WhisperModel get(String id) {
        return LOADED.computeIfAbsent(id, k -> WhisperModel.load(Manifest.read(TestData.model(k)).verifyFiles(), SESSIONS));
    }

    /** An engine over the model with the service's default limits: 8 decoder rows, 8 windows, one window per encoder step. */
    static WhisperEngine engine(WhisperModel model) {
        return ENGINES.computeIfAbsent(model, Models::newEngine);
    }

    static WhisperEngine newEngine(WhisperModel model) {
        try {
            return new WhisperEngine(model, EngineLimits.ofRows(1, 64, 1), EngineLimits.ofRows(8, 64, 1), 8, new SimpleMeterRegistry());
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
