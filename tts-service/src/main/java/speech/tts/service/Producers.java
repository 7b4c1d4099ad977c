package speech.tts.service;

import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import speech.tts.config.TtsConfig;
import speech.tts.store.BlobStore;
import speech.tts.store.CrashPoints;
import speech.tts.store.Databases;
import speech.tts.store.FileBlobStore;
import speech.tts.store.S3BlobStore;
import speech.tts.store.GenerationStore;
import speech.tts.store.VoiceStore;

/** The database, the blob store and the stores over them (see {@link TtsConfig.Storage}). */
@ApplicationScoped
public class Producers {

    private static final Duration SHARED_ORPHAN_MIN_AGE = Duration.ofHours(1);

    /**
     * The shared database when tts.storage.database.url is set, else the H2 file database under the data
     * dir. H2: WRITE_DELAY=0, a commit is on disk before the response (H2 otherwise flushes its log up to
     * 500 ms later); FILE_LOCK=FS, an OS lock that dies with the process, so a restart after a kill opens
     * the database at once.
     */
    @Produces
    @ApplicationScoped
    DataSource database(TtsConfig config) {
        TtsConfig.Storage.Database db = config.storage().database();
        if (db.url().isPresent()) {
            return Databases.pooled(db.url().get(), db.username(), db.password(), db.maxConnections());
        }
        Path file = config.dataDir().toAbsolutePath().resolve("db").resolve("tts");
        return JdbcConnectionPool.create("jdbc:h2:file:" + file + ";WRITE_DELAY=0;FILE_LOCK=FS", "tts", "");
    }

    void close(@Disposes DataSource db) throws Exception {
        if (db instanceof JdbcConnectionPool h2) {
            h2.dispose();
        } else if (db instanceof AutoCloseable pool) {
            pool.close();
        }
    }

    @Produces
    @ApplicationScoped
    BlobStore blobStore(TtsConfig config) {
        TtsConfig.Storage.S3 s3 = config.storage().s3();
        return switch (config.storage().blobs()) {
            case FILE -> new FileBlobStore(config.dataDir());
            case S3 -> new S3BlobStore(new S3BlobStore.Settings(s3.endpoint(), s3.region(), s3.bucket(), s3.prefix().orElse(""),
                    s3.pathStyle(), s3.accessKey(), s3.secretKey()));
        };
    }

    void close(@Disposes BlobStore blobs) {
        blobs.close();
    }

    @Produces
    @ApplicationScoped
    VoiceStore voiceStore(DataSource db, BlobStore blobs, TtsConfig config) {
        return new VoiceStore(db, blobs, CrashPoints.NONE).init(orphanMinAge(config));
    }

    @Produces
    @ApplicationScoped
    GenerationStore generationStore(DataSource db, BlobStore blobs, TtsConfig config) {
        return new GenerationStore(db, blobs,
                new GenerationStore.Retention(config.generations().maxAge(), config.generations().maxTotalBytes())).init(orphanMinAge(config));
    }

    /** Embedded storage has one owner, so whatever it finds unfinished is a crash's leftover; shared storage waits. */
    private static Duration orphanMinAge(TtsConfig config) {
        TtsConfig.Storage storage = config.storage();
        boolean shared = storage.database().url().isPresent() || storage.blobs() == TtsConfig.Storage.BlobKind.S3;
        return storage.orphanMinAge().orElse(shared ? SHARED_ORPHAN_MIN_AGE : Duration.ZERO);
    }
}
