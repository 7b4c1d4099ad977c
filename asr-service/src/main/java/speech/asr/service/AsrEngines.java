package speech.asr.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import speech.asr.config.AsrConfig;
import speech.asr.whisper.WhisperEngine;
import speech.asr.whisper.WhisperModel;
import speech.runtime.engine.EngineConfig;
import speech.runtime.engine.EngineStats;
import speech.runtime.model.ModelException;

/**
 * One {@link WhisperEngine} per loaded model (its batching loops and resident decoder state), made on
 * first use with the limits of {@code speech.engine.asr-encoder.*} / {@code speech.engine.asr-decoder.*}
 * and {@code asr.windows-in-flight}. Drained and closed on shutdown, before the models close.
 */
@ApplicationScoped
public class AsrEngines {

    private static final Logger LOG = Logger.getLogger(AsrEngines.class);

    private final AsrConfig config;
    private final EngineConfig engines;
    private final MeterRegistry registry;
    private final Map<WhisperModel, WhisperEngine> running = new ConcurrentHashMap<>();

    public AsrEngines(AsrConfig config, EngineConfig engines, MeterRegistry registry) {
        this.config = config;
        this.engines = engines;
        this.registry = registry;
    }

    public WhisperEngine of(WhisperModel model) {
        return running.computeIfAbsent(model, m -> {
            // Jobs are admitted by the request queue in front; the engine's own queue never refuses one of them.
            int jobs = config.concurrency() + config.queueCapacity();
            try {
                return new WhisperEngine(m, engines.limits("asr-encoder", jobs, config.retryAfterSeconds()),
                        engines.limits("asr-decoder", jobs, config.retryAfterSeconds()), config.windowsInFlight(), registry);
            } catch (Exception e) {
                throw new ModelException("model " + m.id() + ": the decoder state cannot be allocated: " + e.getMessage(), e);
            }
        });
    }

    /** Scheduler figures of the model's engine for /v1/info; empty before its first request. */
    public List<EngineStats> stats(WhisperModel model) {
        WhisperEngine engine = running.get(model);
        return engine == null ? List.of() : engine.stats();
    }

    /** After the request queue drained (GracefulShutdown runs first), before ModelRegistry closes the models. */
    void close(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 1) ShutdownEvent event) throws InterruptedException {
        for (WhisperEngine engine : running.values()) {
            if (!engine.drain(Duration.ofSeconds(30))) {
                LOG.warnf("engine of %s still had work after 30 s; failing it", engine.model().id());
            }
            engine.close();
        }
        running.clear();
    }
}
