package speech.tts.service;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
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

    /**
     * H2 file database under the data dir. WRITE_DELAY=0: a commit is on disk before the response (H2
     * otherwise flushes its log up to 500 ms later). FILE_LOCK=FS: an OS lock that dies with the
     * process, so a restart after a kill opens the database at once.
     */
    @Produces
    @ApplicationScoped
    DataSource database(TtsConfig config) {
        Path file = config.dataDir().toAbsolutePath().resolve("db").resolve("tts");
        return JdbcConnectionPool.create("jdbc:h2:file:" + file + ";WRITE_DELAY=0;FILE_LOCK=FS", "tts", "");
    }

    void close(@Disposes DataSource db) {
        ((JdbcConnectionPool) db).dispose();
    }

    @Produces
    @ApplicationScoped
    VoiceStore voiceStore(DataSource db, TtsConfig config) {
        return new VoiceStore(db, config.dataDir().resolve("voices"), CrashPoints.NONE).init();
    }

    @Produces
    @ApplicationScoped
    GenerationStore generationStore(DataSource db, TtsConfig config) {
        return new GenerationStore(db, config.dataDir().resolve("generations"),
                new GenerationStore.Retention(config.generations().maxAge(), config.generations().maxTotalBytes())).init();
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
