package speech.runtime.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import java.util.Locale;
import jakarta.enterprise.inject.Produces;
import speech.runtime.audio.AudioEncoder;
import speech.runtime.audio.AudioProbe;
import speech.runtime.audio.FfmpegDecoder;
import speech.runtime.ort.OrtSessions;
import speech.runtime.ort.OrtSettings;
import speech.runtime.work.InferenceQueue;

/** One OrtSessions, decoder, probe, encoder and request queue per service, built from {@link RuntimeConfig}. */
@ApplicationScoped
public class RuntimeProducers {

    @Produces
    @ApplicationScoped
    OrtSessions ortSessions(RuntimeConfig config) {
        RuntimeConfig.Ort ort = config.ort();
        return new OrtSessions(new OrtSettings(ort.provider().name().toLowerCase(Locale.ROOT), ort.deviceId(), ort.intraOpThreads(), ort.interOpThreads(),
                ort.gpuMemLimitBytes(), ort.allowSpinning()));
    }

    @Produces
    @ApplicationScoped
    FfmpegDecoder ffmpegDecoder(RuntimeConfig config) {
        return new FfmpegDecoder(config.ffmpeg().path(), config.ffmpeg().probePath(), config.ffmpeg().timeout());
    }

    @Produces
    @ApplicationScoped
    AudioProbe audioProbe(RuntimeConfig config) {
        return new AudioProbe(config.ffmpeg().probePath(), config.ffmpeg().timeout());
    }

    @Produces
    @ApplicationScoped
    AudioEncoder audioEncoder(RuntimeConfig config) {
        return new AudioEncoder(config.ffmpeg().path());
    }

    /**
     * The bounded queue in front of the models (429 when full, 504 past {@code speech.queue.timeout}); made
     * at startup so its gauges (speech_queue_depth) exist before the first request.
     */
    @Produces
    @ApplicationScoped
    @DefaultBean
    @Startup
    InferenceQueue inferenceQueue(RuntimeConfig config, MeterRegistry registry) {
        RuntimeConfig.Queue q = config.queue();
        return new InferenceQueue(config.service().name(), q.concurrency(), q.capacity(), q.retryAfterSeconds(), registry);
    }

    void close(@Disposes InferenceQueue queue) {
        queue.close();
    }
}
