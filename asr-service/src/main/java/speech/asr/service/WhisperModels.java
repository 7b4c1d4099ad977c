package speech.asr.service;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import java.util.Set;
import speech.asr.config.AsrConfig;
import speech.asr.whisper.WhisperEngine;
import speech.asr.whisper.WhisperManifest;
import speech.asr.whisper.WhisperModel;
import speech.runtime.config.RuntimeConfig;
import speech.runtime.engine.EngineConfig;
import speech.runtime.engine.EngineLimits;
import speech.runtime.model.Manifest;
import speech.runtime.model.ModelException;
import speech.runtime.model.ModelFamily;
import speech.runtime.model.ModelRegistry;
import speech.runtime.ort.OrtSessions;

/** The runtime's model registry over the Whisper exports under {@code asr.models-dir}, each loaded with its engine. */
@ApplicationScoped
public class WhisperModels {

    /** OpenAI's model name; clients that send it get the default model. */
    private static final String OPENAI_ALIAS = "whisper-1";

    @Produces
    @ApplicationScoped
    ModelRegistry<LoadedModel> registry(AsrConfig config, RuntimeConfig runtime, OrtSessions sessions, EngineConfig engines,
                                        MeterRegistry meters) {
        // Jobs are admitted by the request queue in front; the engine's own queue never refuses one of them.
        RuntimeConfig.Queue queue = runtime.queue();
        int jobs = queue.concurrency() + queue.capacity();
        EngineLimits encoder = engines.limits("asr-encoder", jobs, queue.retryAfterSeconds());
        EngineLimits decoder = engines.limits("asr-decoder", jobs, queue.retryAfterSeconds());
        ModelFamily<LoadedModel> whisper = new ModelFamily<>("Whisper", WhisperManifest::isWhisper,
                manifest -> load(manifest, sessions, encoder, decoder, config.windowsInFlight(), meters), Set.of(OPENAI_ALIAS),
                LoadedModel::warmUp);
        return new ModelRegistry<>(whisper, config.modelsDir(), Optional.of(config.defaultModel()), runtime.models().registrySettings());
    }

    private static LoadedModel load(Manifest manifest, OrtSessions sessions, EngineLimits encoder, EngineLimits decoder, int windows,
                                    MeterRegistry meters) {
        WhisperModel model = WhisperModel.load(manifest, sessions);
        try {
            return new LoadedModel(model, new WhisperEngine(model, encoder, decoder, windows, meters));
        } catch (Exception e) {
            try {
                model.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw new ModelException("model " + model.id() + ": the decoder state cannot be allocated: " + e.getMessage(), e);
        }
    }
}
