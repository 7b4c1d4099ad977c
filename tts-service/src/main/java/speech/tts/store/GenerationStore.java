package speech.tts.store;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Generations: a row per synthesis, its encoded audio as a blob. Same protocol as {@link VoiceStore}:
 * blob first (all or nothing), row last; rows deleted before blobs; recovery removes orphans.
 */
public final class GenerationStore {

    private static final Logger LOG = Logger.getLogger(GenerationStore.class);
    private static final String FOLDER = "generations";

    public record Generation(String id, String voiceId, String model, String text, String format, String mediaType,
                             double durationSeconds, long processingMillis, long seed, String settingsJson,
                             long audioBytes, Instant createdAt, String roundTripJson) {

        public Generation withRoundTrip(String json) {
            return new Generation(id, voiceId, model, text, format, mediaType, durationSeconds, processingMillis, seed, settingsJson,
                    audioBytes, createdAt, json);
        }
    }

    /** How long and how much generated audio is kept; the oldest go first. */
    public record Retention(Duration maxAge, long maxTotalBytes) {
        public static final Retention FOREVER = new Retention(Duration.ofDays(365L * 1000), Long.MAX_VALUE);
    }

    private final DataSource db;
    private final BlobStore blobs;
    private final Retention retention;

    public GenerationStore(DataSource db, BlobStore blobs) {
        this(db, blobs, Retention.FOREVER);
    }

    public GenerationStore(DataSource db, BlobStore blobs, Retention retention) {
        this.db = db;
        this.blobs = blobs;
        this.retention = retention;
    }

    /** Migrates the schema and removes audio that an interrupted save or delete left behind. */
    public GenerationStore init() {
        return init(Duration.ZERO);
    }

    /** As {@link #init()}; blobs younger than {@code orphanMinAge} are left alone (another replica may be writing them). */
    public GenerationStore init(Duration orphanMinAge) {
        Schema.migrate(db);
        recover(orphanMinAge);
        prune(Instant.now());
        return this;
    }

    /**
     * Deletes generations older than the retention's age, then the oldest until the rest fit its byte
     * budget. Runs at startup and after every save, so the store never grows past the budget by more than one.
     *
     * @return how many were deleted
     */
    public synchronized int prune(Instant now) {
        Set<String> expired = new java.util.LinkedHashSet<>();
        try (Connection c = db.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM generations WHERE created_at < ?")) {
                s.setTimestamp(1, Timestamp.from(now.minus(retention.maxAge())));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        expired.add(r.getString(1));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT id, audio_bytes FROM generations ORDER BY seq DESC")) {
                try (ResultSet r = s.executeQuery()) {
                    long kept = 0;
                    while (r.next()) {
                        if (expired.contains(r.getString(1))) {
                            continue;
                        }
                        kept += r.getLong(2);
                        if (kept > retention.maxTotalBytes()) {
                            expired.add(r.getString(1));
                        }
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM generations WHERE id = ?")) {
                for (String id : expired) {
                    s.setString(1, id);
                    s.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("generation retention failed: " + e.getMessage(), e);
        }
        if (!expired.isEmpty()) {
            deleteFiles(List.copyOf(expired));
            LOG.debugf("retention removed %d generation(s)", expired.size());
        }
        return expired.size();
    }

    /** Stores audio and record; {@code g.id()} must come from {@link Ids#next}("gen"). */
    public Generation save(Generation g, byte[] audio) {
        blobs.put(audioKey(g.id()), audio);
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO generations (id, voice_id, model,"
                + " text, format, media_type, duration_seconds, processing_ms, seed, settings, audio_bytes, created_at, round_trip)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, g.id());
            s.setString(2, g.voiceId());
            s.setString(3, g.model());
            s.setString(4, g.text());
            s.setString(5, g.format());
            s.setString(6, g.mediaType());
            s.setDouble(7, g.durationSeconds());
            s.setLong(8, g.processingMillis());
            s.setLong(9, g.seed());
            s.setString(10, g.settingsJson());
            s.setLong(11, audio.length);
            s.setTimestamp(12, Timestamp.from(g.createdAt()));
            s.setString(13, g.roundTripJson());
            s.executeUpdate();
        } catch (SQLException e) {
            blobs.delete(audioKey(g.id()));
            throw new IllegalStateException("generation could not be stored: " + e.getMessage(), e);
        }
        Generation saved = get(g.id()).orElseThrow();
        prune(Instant.now());
        return saved;
    }

    /** Replaces the generation's round-trip score (scored after it was stored); false when it is gone meanwhile. */
    public boolean setRoundTrip(String id, String json) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE generations SET round_trip = ? WHERE id = ?")) {
            s.setString(1, json);
            s.setString(2, id);
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("round-trip score could not be stored: " + e.getMessage(), e);
        }
    }

    public Optional<Generation> get(String id) {
        if (!Ids.valid("gen", id)) {
            return Optional.empty();
        }
        return query("SELECT * FROM generations WHERE id = ?", id).stream().findFirst();
    }

    public Page<Generation> list(String voiceId, int limit, int offset) {
        if (voiceId == null) {
            return new Page<>(query("SELECT * FROM generations ORDER BY seq DESC LIMIT ? OFFSET ?", limit, offset),
                    count("SELECT COUNT(*) FROM generations"), limit, offset);
        }
        return new Page<>(query("SELECT * FROM generations WHERE voice_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?", voiceId, limit, offset),
                count("SELECT COUNT(*) FROM generations WHERE voice_id = ?", voiceId), limit, offset);
    }

    /** The generation's encoded audio; the caller closes the stream. */
    public Optional<InputStream> openAudio(String id) {
        return blobs.open(audioKey(id));
    }

    public boolean delete(String id) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("DELETE FROM generations WHERE id = ?")) {
            s.setString(1, id);
            if (s.executeUpdate() == 0) {
                return false;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        deleteFiles(List.of(id));
        return true;
    }

    /** Deletes the voice's generation rows inside {@link VoiceStore#deleteWithGenerations}' transaction; returns their ids for file cleanup. */
    List<String> deleteByVoice(String voiceId, Connection c) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM generations WHERE voice_id = ?")) {
            s.setString(1, voiceId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM generations WHERE voice_id = ?")) {
            s.setString(1, voiceId);
            s.executeUpdate();
        }
        return ids;
    }

    void deleteFiles(List<String> ids) {
        ids.forEach(id -> blobs.delete(audioKey(id)));
    }

    /** Startup: audio without a row (and unfinished writes) goes once older than {@code orphanMinAge}. */
    public void recover(Duration orphanMinAge) {
        Set<String> ids = new HashSet<>(Jdbc.query(db, r -> r.getString(1), "SELECT id FROM generations"));
        Instant cutoff = Instant.now().minus(orphanMinAge);
        int removed = 0;
        for (BlobStore.Blob blob : blobs.list(FOLDER)) {
            if (!ids.contains(blob.id()) && !blob.modified().isAfter(cutoff)) {
                blobs.delete(blob.key());
                removed++;
            }
        }
        if (removed > 0) {
            LOG.infof("generation store recovery removed %d leftover file(s)", removed);
        }
    }

    private static String audioKey(String id) {
        return FOLDER + "/" + id + ".audio";
    }

    private long count(String sql, Object... args) {
        return Jdbc.count(db, sql, args);
    }

    private List<Generation> query(String sql, Object... args) {
        return Jdbc.query(db, r -> new Generation(r.getString("id"), r.getString("voice_id"), r.getString("model"), r.getString("text"),
                r.getString("format"), r.getString("media_type"), r.getDouble("duration_seconds"), r.getLong("processing_ms"),
                r.getLong("seed"), r.getString("settings"), r.getLong("audio_bytes"), r.getTimestamp("created_at").toInstant(),
                r.getString("round_trip")), sql, args);
    }
}
