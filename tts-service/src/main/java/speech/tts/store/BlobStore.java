package speech.tts.store;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the stores keep bytes (reference audio, speaker latents, generated audio), by key such as
 * {@code voices/voice_….audio}. A put is all or nothing: a reader sees the whole object or none.
 * {@link FileBlobStore} keeps them under the data dir (one node); {@link S3BlobStore} in an
 * S3-compatible bucket that several replicas share.
 */
public interface BlobStore extends AutoCloseable {

    /** One stored object, with the time of its last write (recovery leaves young orphans alone). */
    record Blob(String key, Instant modified) {

        /** The id part of the key's last segment: {@code voices/voice_x.latent} → {@code voice_x}. */
        public String id() {
            String name = key.substring(key.lastIndexOf('/') + 1);
            int dot = name.indexOf('.');
            return dot < 0 ? name : name.substring(0, dot);
        }
    }

    /** Stores the file's bytes under {@code key}; {@code beforeVisible} runs once just before the object becomes visible (fault-injection point). */
    void put(String key, Path source, Runnable beforeVisible);

    default void put(String key, Path source) {
        put(key, source, () -> { });
    }

    void put(String key, byte[] data);

    /** The object's bytes as a stream the caller closes; empty when there is no such object. */
    Optional<InputStream> open(String key);

    /** Removes the object if present. */
    void delete(String key);

    /** Every object in {@code folder} (keys {@code folder/…}), unfinished writes included where the backend has them. */
    List<Blob> list(String folder);

    @Override
    default void close() {
    }
}
