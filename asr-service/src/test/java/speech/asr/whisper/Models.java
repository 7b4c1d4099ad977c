package speech.asr.whisper;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import speech.asr.TestData;
import speech.runtime.model.Manifest;
import speech.runtime.ort.OrtSessions;
import speech.runtime.ort.OrtSettings;

/** Real exported models, loaded once per test JVM (sessions are closed when the JVM exits). */
final class Models {

    private static final OrtSessions SESSIONS = new OrtSessions(OrtSettings.cpu());
    private static final Map<String, WhisperModel> LOADED = new ConcurrentHashMap<>();

    private Models() {
    }

    static WhisperModel get(String id) {
        return LOADED.computeIfAbsent(id, k -> WhisperModel.load(Manifest.read(TestData.model(k)).verifyFiles(), SESSIONS));
    }
}
