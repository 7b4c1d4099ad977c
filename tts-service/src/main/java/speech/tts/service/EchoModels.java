package speech.tts.service;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Set;
import speech.runtime.config.RuntimeConfig;
import speech.runtime.engine.EngineConfig;
import speech.runtime.engine.EngineLimits;
import speech.runtime.model.Manifest;
import speech.runtime.model.ModelFamily;
import speech.runtime.model.ModelRegistry;
import speech.runtime.ort.OrtSessions;
import speech.tts.config.TtsConfig;
import speech.tts.echo.EchoModel;
import speech.tts.echo.Synthesizer;

/** The runtime's model registry over the Echo-TTS exports under {@code tts.models-dir}. */
@ApplicationScoped
public class EchoModels {

    /** OpenAI's TTS model names; clients that send them get the default model. */
    private static final Set<String> OPENAI_ALIASES = Set.of("tts-1", "tts-1-hd", "gpt-4o-mini-tts");

    @Produces
    @ApplicationScoped
    ModelRegistry<LoadedModel> registry(TtsConfig config, RuntimeConfig runtime, OrtSessions sessions, EngineConfig engine,
                                        MeterRegistry meters) {
        TtsConfig.Speech s = config.speech();
        Synthesizer.Options options = new Synthesizer.Options(s.maxChunkTokens(), s.maxBatchChunks(), s.maxBatchKvBytes(), s.crossFadeSeconds(),
                s.fitLengthToText());
        // The DiT scheduler's limits: speech.engine.dit.*, with the queue in front from speech.queue.*.
        EngineLimits limits = engine.limits("dit", runtime.queue().capacity(), runtime.queue().retryAfterSeconds());
        ModelFamily<LoadedModel> echo = new ModelFamily<>("Echo-TTS", EchoModel::isEchoModel,
                manifest -> load(manifest, sessions, config, options, limits, meters), OPENAI_ALIASES, LoadedModel::warmUp);
        return new ModelRegistry<>(echo, config.modelsDir(), config.defaultModel(), runtime.models().registrySettings());
    }

    private static LoadedModel load(Manifest manifest, OrtSessions sessions, TtsConfig config, Synthesizer.Options options,
                                    EngineLimits limits, MeterRegistry meters) {
        EchoModel model = EchoModel.load(manifest, sessions, config.voices().speakerCacheBytes());
        return new LoadedModel(model, new Synthesizer(model, options, limits, meters));
    }
}
