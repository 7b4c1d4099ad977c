package speech.tts.service;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import speech.runtime.work.InferenceQueue;
import speech.tts.config.TtsConfig;
import speech.tts.store.CrashPoints;
import speech.tts.store.GenerationStore;
import speech.tts.store.VoiceStore;

/** Stores over the H2 datasource and the files under {@code tts.data-dir}; the bounded inference queue. */
@ApplicationScoped
public class Producers {

    @Produces
    @ApplicationScoped
    VoiceStore voiceStore(AgroalDataSource db, TtsConfig config) {
        return new VoiceStore(db, config.dataDir().resolve("voices"), CrashPoints.NONE).init();
    }

    @Produces
    @ApplicationScoped
    GenerationStore generationStore(AgroalDataSource db, TtsConfig config) {
        return new GenerationStore(db, config.dataDir().resolve("generations")).init();
    }

    @Produces
    @ApplicationScoped
    InferenceQueue inferenceQueue(TtsConfig config, MeterRegistry registry) {
        TtsConfig.Queue q = config.queue();
        return new InferenceQueue("tts", q.concurrency(), q.capacity(), q.retryAfterSeconds(), registry);
    }

    void close(@Disposes InferenceQueue queue) {
        queue.close();
    }
}
