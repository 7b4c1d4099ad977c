package speech.tts.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Voices: a row per voice in the database, the reference bytes and the speaker latent as blobs.
 *
 * <p>Create order: reference blob, latent blob (each all or nothing), then the row in one
 * transaction. The row is the commit point: a voice without a row does not exist, and its files
 * are orphans that {@link #recover(Duration)} removes at startup. Delete runs the other way round (rows
 * first, the voice's generations with it in one transaction, then files), so a crash at any moment
 * leaves each voice complete or absent.
 */
public final class VoiceStore {

    private static final Logger LOG = Logger.getLogger(VoiceStore.class);
    private static final String FOLDER = "voices";
    private static final String AUDIO = ".audio";
    private static final String LATENT = ".latent";
    private static final int LATENT_MAGIC = 0x54414C45; // "ELAT"

    /** A stored voice. {@code latentDim} and {@code latentFrames} describe the speaker latent file. */
    public record Voice(String id, String name, double durationSeconds, String mediaType, long audioBytes,
                        int latentFrames, int latentDim, String model, Instant createdAt) {
    }

    /** What a new voice is made of; the store assigns the id and the time. */
    public record NewVoice(String name, double durationSeconds, String mediaType, Path audio, float[] latent,
                           int latentFrames, int latentDim, String model) {
    }

    private final DataSource db;
    private final BlobStore blobs;
    private final CrashPoints crashPoints;

    public VoiceStore(DataSource db, BlobStore blobs, CrashPoints crashPoints) {
        this.db = db;
        this.blobs = blobs;
        this.crashPoints = crashPoints;
    }

    /** Migrates the schema and removes what an interrupted create or delete left behind. */
    public VoiceStore init() {
        return init(Duration.ZERO);
    }

    /** As {@link #init()}; blobs younger than {@code orphanMinAge} are left alone (another replica may be writing them). */
    public VoiceStore init(Duration orphanMinAge) {
        Schema.migrate(db);
        recover(orphanMinAge);
        return this;
    }

    public Voice create(NewVoice v) {
        String id = Ids.next("voice");
        blobs.put(audioKey(id), v.audio(), () -> crashPoints.reached("voice.audio-temp-written"));
        crashPoints.reached("voice.audio-written");
        blobs.put(latentKey(id), encodeLatent(v.latent(), v.latentFrames(), v.latentDim()));
        crashPoints.reached("voice.latent-written");
        Voice voice;
        try {
            voice = new Voice(id, v.name(), v.durationSeconds(), v.mediaType(), Files.size(v.audio()),
                    v.latentFrames(), v.latentDim(), v.model(), Instant.ofEpochMilli(System.currentTimeMillis()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO voices (id, name, duration_seconds, media_type, audio_bytes,"
                    + " latent_frames, latent_dim, model, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, id);
                s.setString(2, voice.name());
                s.setDouble(3, voice.durationSeconds());
                s.setString(4, voice.mediaType());
                s.setLong(5, voice.audioBytes());
                s.setInt(6, voice.latentFrames());
                s.setInt(7, voice.latentDim());
                s.setString(8, voice.model());
                s.setTimestamp(9, Timestamp.from(voice.createdAt()));
                s.executeUpdate();
                crashPoints.reached("voice.row-inserted");
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            deleteFiles(id);
            throw new IllegalStateException("voice could not be stored: " + e.getMessage(), e);
        }
        crashPoints.reached("voice.committed");
        return voice;
    }

    public Optional<Voice> get(String id) {
        if (!Ids.valid("voice", id)) {
            return Optional.empty();
        }
        List<Voice> found = query("SELECT * FROM voices WHERE id = ?", id);
        return found.stream().findFirst();
    }

    /** Gives the voice a new name; empty when there is no such voice. The reference and its latent stay as they are. */
    public Optional<Voice> rename(String id, String name) {
        if (!Ids.valid("voice", id)) {
            return Optional.empty();
        }
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE voices SET name = ? WHERE id = ?")) {
            s.setString(1, name);
            s.setString(2, id);
            if (s.executeUpdate() == 0) {
                return Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("voice could not be renamed: " + e.getMessage(), e);
        }
        return get(id);
    }

    /** Exact name match, newest first (names are not unique). */
    public Optional<Voice> byName(String name) {
        return query("SELECT * FROM voices WHERE name = ? ORDER BY seq DESC LIMIT 1", name).stream().findFirst();
    }

    public Page<Voice> list(int limit, int offset) {
        List<Voice> data = query("SELECT * FROM voices ORDER BY seq DESC LIMIT ? OFFSET ?", limit, offset);
        return new Page<>(data, count(), limit, offset);
    }

    /** The voice's reference audio; the caller closes the stream. */
    public Optional<InputStream> openAudio(String id) {
        return blobs.open(audioKey(id));
    }

    public float[] latent(Voice voice) {
        try (InputStream in = blobs.open(latentKey(voice.id()))
                .orElseThrow(() -> new IllegalStateException("latent of " + voice.id() + " is missing"))) {
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            if (b.getInt() != LATENT_MAGIC) {
                throw new IllegalStateException("latent file of " + voice.id() + " is damaged");
            }
            int frames = b.getInt();
            int dim = b.getInt();
            float[] out = new float[frames * dim];
            b.asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes the voice and every generation made with it: the rows of both tables in one transaction
     * (the commit is the commit point), then their files. A failure or a kill before the commit leaves
     * the voice and its generations as they were; after it, {@link #recover(Duration)} removes leftover files.
     *
     * @return false when there is no such voice (nothing is deleted)
     */
    public boolean deleteWithGenerations(String id, GenerationStore generations) {
        if (!Ids.valid("voice", id)) {
            return false;
        }
        List<String> generationIds;
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                generationIds = generations.deleteByVoice(id, c);
                crashPoints.reached("voice.generation-rows-deleted");
                if (!delete(id, c)) {
                    c.rollback();
                    return false;
                }
                crashPoints.reached("voice.row-deleted");
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("voice " + id + " could not be deleted: " + e.getMessage(), e);
        }
        crashPoints.reached("voice.delete-committed");
        deleteFiles(id);
        generations.deleteFiles(generationIds);
        return true;
    }

    private static boolean delete(String id, Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM voices WHERE id = ?")) {
            s.setString(1, id);
            return s.executeUpdate() == 1;
        }
    }

    private void deleteFiles(String id) {
        blobs.delete(audioKey(id));
        blobs.delete(latentKey(id));
    }

    /**
     * Startup: blobs of voices without a row (and unfinished writes) go once older than {@code orphanMinAge};
     * rows whose blobs are gone go too (a create writes blobs before its row, a delete removes the row first).
     */
    public void recover(Duration orphanMinAge) {
        Set<String> ids = new HashSet<>();
        for (Voice v : query("SELECT * FROM voices")) {
            ids.add(v.id());
        }
        Instant cutoff = Instant.now().minus(orphanMinAge);
        Set<String> present = new HashSet<>();
        int removed = 0;
        for (BlobStore.Blob blob : blobs.list(FOLDER)) {
            if (ids.contains(blob.id())) {
                present.add(blob.key());
            } else if (!blob.modified().isAfter(cutoff)) {
                blobs.delete(blob.key());
                removed++;
            }
        }
        for (String id : ids) {
            if (!present.contains(audioKey(id)) || !present.contains(latentKey(id))) {
                LOG.warnf("voice %s lost its files; removing its row", id);
                try (Connection c = db.getConnection()) {
                    delete(id, c);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        if (removed > 0) {
            LOG.infof("voice store recovery removed %d leftover file(s)", removed);
        }
    }

    private static String audioKey(String id) {
        return FOLDER + "/" + id + AUDIO;
    }

    private static String latentKey(String id) {
        return FOLDER + "/" + id + LATENT;
    }

    private static byte[] encodeLatent(float[] latent, int frames, int dim) {
        ByteBuffer b = ByteBuffer.allocate(12 + 4 * latent.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(LATENT_MAGIC).putInt(frames).putInt(dim);
        b.asFloatBuffer().put(latent);
        return b.array();
    }

    private long count() {
        return Jdbc.count(db, "SELECT COUNT(*) FROM voices");
    }

    private List<Voice> query(String sql, Object... args) {
        return Jdbc.query(db, r -> new Voice(r.getString("id"), r.getString("name"), r.getDouble("duration_seconds"),
                r.getString("media_type"), r.getLong("audio_bytes"), r.getInt("latent_frames"), r.getInt("latent_dim"),
                r.getString("model"), r.getTimestamp("created_at").toInstant()), sql, args);
    }
}
