package speech.tts.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;
import speech.runtime.engine.EngineConfig;
import speech.runtime.engine.EngineStats;
import speech.runtime.http.ApiException;
import speech.runtime.model.Manifest;
import speech.runtime.model.ModelDirectory;
import speech.runtime.ort.OrtSessions;
import speech.tts.config.TtsConfig;
import speech.tts.echo.EchoModel;
import speech.tts.echo.Synthesizer;

/**
 * Model id (folder name under {@code tts.models-dir}) → loaded {@link EchoModel}. The default model
 * loads in the background at startup; readiness reports it (and the reason while it is not usable).
 */
@ApplicationScoped
public class ModelRegistry {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    private final TtsConfig config;
    private final ModelDirectory<EchoModel> models;
    private final Map<String, Synthesizer> synthesizers = new ConcurrentHashMap<>();
    private volatile String status = "loading";
    private volatile boolean ready;

    private final EngineConfig engine;
    private final MeterRegistry registry;

    ModelRegistry(TtsConfig config, OrtSessions sessions, EngineConfig engine, MeterRegistry registry) {
        this.config = config;
        this.engine = engine;
        this.registry = registry;
        this.models = new ModelDirectory<>(config.modelsDir(), manifest -> EchoModel.load(manifest, sessions, config.voices().speakerCacheBytes()));
    }

    void onStart(@Observes StartupEvent event) {
        CompletableFuture.runAsync(this::loadDefault);
    }

    /** After GracefulShutdown (it runs first), before the models close: requests in flight finish, then the DiT loops stop. */
    void drainEngines(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 1) ShutdownEvent event) throws InterruptedException {
        for (Synthesizer synthesizer : synthesizers.values()) {
            if (!synthesizer.drain(Duration.ofSeconds(30))) {
                LOG.warnf("the DiT engine still had work after 30 s; failing it (%s)", synthesizer.stats());
            }
            synthesizer.close();
        }
    }

    void onStop(@Observes ShutdownEvent event) throws Exception {
        synthesizers.values().forEach(Synthesizer::close);
        models.close();
    }

    synchronized void loadDefault() {
        Optional<String> id = defaultId();
        if (id.isEmpty()) {
            status = "no model under tts.models-dir (" + config.modelsDir().getFileName() + "): export one with onnx-export/export echo-tts";
            LOG.warn(status);
            return;
        }
        try {
            models.get(id.get());
            ready = true;
            status = "model " + id.get() + " loaded";
        } catch (RuntimeException e) {
            status = "model " + id.get() + " failed to load: " + e.getMessage();
            LOG.error(status);
        }
    }

    public boolean ready() {
        return ready;
    }

    public String status() {
        return status;
    }

    /** Echo-TTS model ids on disk (the folder may hold other families' models too). */
    public List<String> ids() {
        return models.ids().stream().filter(id -> EchoModel.isEchoModel(manifest(id))).toList();
    }

    /** The manifest of a model folder on disk, without loading the model. */
    public Manifest manifest(String id) {
        return Manifest.read(config.modelsDir().resolve(id));
    }

    public Optional<String> defaultId() {
        List<String> ids = ids();
        return config.defaultModel().filter(ids::contains).or(() -> ids.stream().findFirst());
    }

    /** The model (default when {@code id} is null); 404 for an unknown id, 503 while none is available. */
    public EchoModel model(String id) {
        if (id == null) {
            String fallback = defaultId().orElseThrow(() -> ApiException.unavailable("model_unavailable", status, 30));
            return models.get(fallback).orElseThrow();
        }
        List<String> ids = ids();
        if (!ids.contains(id)) {
            throw ApiException.notFound("model_not_found", "no model '" + id + "'; GET /v1/models lists the available ones",
                    Map.of("available", ids));
        }
        return models.get(id).orElseThrow();
    }

    /** The model's synthesizer and its DiT scheduler ({@code speech.engine.dit.*}), made on first use. */
    public Synthesizer synthesizer(EchoModel model) {
        TtsConfig.Speech s = config.speech();
        TtsConfig.Queue q = config.queue();
        return synthesizers.computeIfAbsent(model.id(), id -> new Synthesizer(model,
                new Synthesizer.Options(s.maxChunkTokens(), s.maxBatchChunks(), s.maxBatchKvBytes(), s.crossFadeSeconds(), s.fitLengthToText()),
                engine.limits("dit", q.capacity(), q.retryAfterSeconds()), registry));
    }

    /** The DiT scheduler of the default model once it ran a request. */
    public Optional<EngineStats> engineStats() {
        return loadedDefault().map(m -> synthesizers.get(m.id())).map(Synthesizer::stats);
    }

    /** The models loaded now, without loading any. */
    public Collection<EchoModel> loaded() {
        return models.loaded().values();
    }

    public Optional<EchoModel> loadedDefault() {
        return defaultId().filter(models::isLoaded).flatMap(models::get);
    }
}
