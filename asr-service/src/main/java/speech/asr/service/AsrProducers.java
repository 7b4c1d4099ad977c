package speech.asr.service;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import speech.asr.config.AsrConfig;
import speech.runtime.work.InferenceQueue;

/** The bounded request queue in front of the models (429 when full, 504 past the deadline). */
@ApplicationScoped
public class AsrProducers {

    @Produces
    @ApplicationScoped
    InferenceQueue queue(AsrConfig config, MeterRegistry registry) {
        return new InferenceQueue("asr", config.concurrency(), config.queueCapacity(), config.retryAfterSeconds(), registry);
    }

    void close(@Disposes InferenceQueue queue) {
        queue.close();
    }
}
