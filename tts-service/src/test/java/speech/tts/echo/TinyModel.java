package speech.tts.echo;

import speech.runtime.model.Manifest;
import speech.runtime.ort.OrtSessions;
import speech.runtime.ort.OrtSettings;
import speech.tts.testing.Fixtures;

/** The tiny exported Echo-TTS model, loaded once per test JVM. */
final class TinyModel {

    /** Room for a few tiny voices' speaker K/V. */
    static final long SPEAKER_CACHE_BYTES = 64L << 20;

    private static EchoModel model;

    private TinyModel() {
    }

    static synchronized EchoModel get() {
        if (model == null) {
            if (!Fixtures.tinyEchoExported()) {
                throw new IllegalStateException("no tiny Echo-TTS export at " + Fixtures.tinyEcho()
                        + "; run ./mvnw -pl onnx-export process-test-resources (or onnx-export/export-test-models)");
            }
            model = EchoModel.load(Manifest.read(Fixtures.tinyEcho()).verifyFiles(), new OrtSessions(OrtSettings.cpu()), SPEAKER_CACHE_BYTES);
        }
        return model;
    }
}
