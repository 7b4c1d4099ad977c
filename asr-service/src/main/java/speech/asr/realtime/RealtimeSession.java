package speech.asr.realtime;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import speech.asr.config.AsrConfig;
import speech.asr.service.TranscriptionService;
import speech.asr.service.TranscriptionService.LiveModel;
import speech.asr.whisper.Vad;
import speech.runtime.http.ApiError;
import speech.runtime.http.ErrorMappers;

/**
 * One live transcription session in OpenAI's Realtime protocol (intent=transcription). Client events are
 * handled in order on the session's thread: settings, PCM16 appends (resampled to the model's rate, judged
 * by Silero VAD chunk by chunk when server VAD is on), commits and clears. Committed items are transcribed
 * by an {@link ItemTranscriber}, a few at once, through the same queue and engine as file requests, each
 * segment a {@code .delta} as it is final, then {@code .completed}, in commit order. Bounded: a few waiting messages before the
 * socket is paused, a few committed items before the session stops reading, the uncommitted audio, one
 * append's size, and an idle timeout.
 */
public final class RealtimeSession implements AutoCloseable {

    /** The socket as the session sees it; any thread may call it. */
    public interface Connection {
        void send(Map<String, Object> event);

        /** Stop reading the client's frames (its TCP window fills: backpressure) until {@link #resume}. */
        void pause();

        void resume();

        void close(int code, String reason);
    }

    private static final Logger LOG = Logger.getLogger(RealtimeSession.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int INBOX_HIGH = 32;
    private static final int INBOX_LOW = 8;
    private static final int MIN_COMMIT_MS = 100;
    /** Stands for a binary frame in the inbox (compared by identity). */
    private static final String BINARY_FRAME = new String("binary");
    static final int CLOSE_NORMAL = 1000;
    static final int CLOSE_ERROR = 1011;

    private final TranscriptionService service;
    private final AsrConfig.Realtime limits;
    private final Connection connection;
    private final boolean beta;
    private final String id = "sess_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    private final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final ItemTranscriber transcriber;
    private final AtomicLong events = new AtomicLong();
    private final Thread reader;
    private volatile boolean closed;

    // Read and written on the reader thread only.
    private SessionSettings settings;
    private LiveModel live;
    private Resampler resampler;
    private Vad.Stream vad;
    private TurnDetector turns;
    private final SampleBuffer buffer = new SampleBuffer();
    private String speechItem;
    private String lastItem;
    private int items;

    /** {@code beta}: the client speaks the {@code transcription_session.*} dialect (header OpenAI-Beta: realtime=v1). */
    public RealtimeSession(TranscriptionService service, AsrConfig.Realtime limits, Connection connection, boolean beta) {
        this.service = service;
        this.limits = limits;
        this.connection = connection;
        this.beta = beta;
        this.transcriber = new ItemTranscriber(service, limits.maxPendingItems(), this::send);
        this.reader = Thread.ofVirtual().name("realtime-" + id).unstarted(this::read);
    }

    public void start() {
        reader.start();
    }

    /** A text frame from the client (event loop): queued; past a few waiting, the socket is paused. */
    public void receive(String message) {
        if (closed) {
            return;
        }
        inbox.add(message);
        if (inbox.size() >= INBOX_HIGH && paused.compareAndSet(false, true)) {
            connection.pause();
        }
    }

    /** A binary frame: answered with an error event (events are JSON text frames; audio is base64 inside them). */
    public void receiveBinary() {
        receive(BINARY_FRAME);
    }

    /** The connection is gone (either side closed it): both threads stop, the model holds are given back. */
    @Override
    public void close() {
        closed = true;
        reader.interrupt();
        transcriber.close();
    }

    private void read() {
        try {
            if (!open()) {
                return;
            }
            long idleMillis = limits.idleTimeout().toMillis();
            while (!closed) {
                String message = inbox.poll(idleMillis, TimeUnit.MILLISECONDS);
                if (message == null) {
                    error("session_idle", "no event for " + limits.idleTimeout().toSeconds() + " s; the session is closed", null, null);
                    connection.close(CLOSE_NORMAL, "idle");
                    return;
                }
                if (inbox.size() <= INBOX_LOW && paused.compareAndSet(true, false)) {
                    connection.resume();
                }
                handle(message);
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            if (live != null) {
                live.close();
            }
        }
    }

    /** The default model and settings, announced with session.created. */
    private boolean open() {
        try {
            live = service.live(null, null);
        } catch (RuntimeException e) {
            error(e, null);
            connection.close(CLOSE_ERROR, "no model");
            return false;
        }
        settings = SessionSettings.defaults(live.vad().isPresent());
        resampler = new Resampler(settings.rate(), live.sampleRate());
        restartTurns();
        send(beta ? "transcription_session.created" : "session.created", Map.of("session", settings.render(id, live.id(), beta)));
        return true;
    }

    @SuppressWarnings("StringEquality")
    private void handle(String message) throws InterruptedException {
        if (message == BINARY_FRAME) {
            error("invalid_frame", "events are JSON text frames; audio goes base64 in input_audio_buffer.append", null, null);
            return;
        }
        JsonNode event;
        try {
            event = JSON.readTree(message);
        } catch (JsonProcessingException e) {
            error("invalid_json", "the event is not valid JSON: " + e.getOriginalMessage(), null, null);
            return;
        }
        String type = event.path("type").asText("");
        String eventId = event.hasNonNull("event_id") ? event.path("event_id").asText() : null;
        try {
            switch (type) {
                case "session.update" -> update(event.path("session"), false);
                case "transcription_session.update" -> update(event.path("session"), true);
                case "input_audio_buffer.append" -> append(event.path("audio"), eventId);
                case "input_audio_buffer.commit" -> commit(buffer.end(), eventId);
                case "input_audio_buffer.clear" -> clear();
                default -> error("unknown_event", "unknown event type '" + (type.length() > 64 ? type.substring(0, 64) + "…" : type)
                        + "'; a transcription session takes session.update, "
                        + "transcription_session.update and input_audio_buffer.append, .commit and .clear", "type", eventId);
            }
        } catch (SessionSettings.Invalid e) {
            error("invalid_value", e.getMessage(), e.param(), eventId);
        } catch (RuntimeException e) {
            error(e, eventId);
        }
    }

    private void update(JsonNode session, boolean betaShape) {
        if (!session.isObject()) {
            throw new SessionSettings.Invalid("session", "session must be an object");
        }
        SessionSettings next = settings.update(session, betaShape);
        boolean newModel = !Objects.equals(next.model(), settings.model()) || !Objects.equals(next.language(), settings.language());
        LiveModel nextLive = newModel ? service.live(next.model(), next.language()) : live;
        if (next.turns() != null && nextLive.vad().isEmpty()) {
            if (newModel) {
                nextLive.close();
            }
            throw new SessionSettings.Invalid("turn_detection", "model " + nextLive.id() + " ships no VAD (vad.onnx): set turn_detection "
                    + "to null and commit the buffer yourself");
        }
        boolean newTurns = newModel || !Objects.equals(next.turns(), settings.turns());
        if (newModel) {
            live.close();
            live = nextLive;
        }
        if (newModel || next.rate() != settings.rate()) {
            resampler = new Resampler(next.rate(), live.sampleRate());
        }
        settings = next;
        if (newTurns) {
            restartTurns();
        }
        send(betaShape ? "transcription_session.updated" : "session.updated", Map.of("session", settings.render(id, live.id(), betaShape)));
    }

    private void append(JsonNode audio, String eventId) throws InterruptedException {
        byte[] pcm;
        try {
            pcm = Base64.getDecoder().decode(audio.asText(""));
        } catch (IllegalArgumentException e) {
            error("invalid_audio", "audio must be base64 of PCM16 little-endian mono: " + e.getMessage(), "audio", eventId);
            return;
        }
        if (!audio.isTextual() || pcm.length % 2 != 0) {
            error("invalid_audio", "audio must be base64 of PCM16 little-endian mono: 2 bytes a sample", "audio", eventId);
            return;
        }
        if (pcm.length > limits.maxAppendBytes()) {
            error("append_too_large", "one append carries at most " + limits.maxAppendBytes() + " bytes of PCM16; send smaller pieces", "audio", eventId);
            return;
        }
        long incoming = (long) pcm.length / 2 * live.sampleRate() / settings.rate();
        if (turns == null && buffer.length() + incoming > maxBufferSamples()) {
            error("input_audio_buffer_full", "the buffer holds at most " + limits.maxBuffer().toSeconds()
                    + " s of audio; commit or clear it first", "audio", eventId);
            return;
        }
        float[] samples = resampler.feed(pcm16(pcm));
        buffer.append(samples);
        if (turns != null) {
            judge(samples);
        }
    }

    /** Server VAD: announces turns, commits each ended one, and keeps only the prefix padding while nobody speaks. */
    private void judge(float[] samples) throws InterruptedException {
        float[] probabilities;
        try {
            probabilities = vad.feed(samples);
        } catch (OrtException e) {
            throw new IllegalStateException("voice activity detection failed: " + e.getMessage(), e);
        }
        for (float p : probabilities) {
            Optional<TurnDetector.Turn> turn = turns.next(p);
            if (turn.isPresent() && turn.get().speech()) {
                speechItem = nextItemId();
                send("input_audio_buffer.speech_started", fields("audio_start_ms", millis(Math.max(0, turn.get().at() - prefixSamples())),
                        "item_id", speechItem));
            } else if (turn.isPresent()) {
                stopped(turn.get().at());
            } else if (turns.speaking() && turns.position() - buffer.start() >= maxBufferSamples()) {
                // A turn longer than the buffer: committed as it stands, the speech goes on in a new item.
                stopped(turns.position());
                speechItem = nextItemId();
                send("input_audio_buffer.speech_started", fields("audio_start_ms", millis(turns.position()), "item_id", speechItem));
            }
        }
        if (!turns.speaking()) {
            buffer.dropBefore(turns.position() - prefixSamples());
        }
    }

    private void stopped(long at) throws InterruptedException {
        String item = speechItem != null ? speechItem : nextItemId();
        speechItem = null;
        send("input_audio_buffer.speech_stopped", fields("audio_end_ms", millis(at), "item_id", item));
        commit(turns.position(), item, null);
    }

    private void commit(long until, String eventId) throws InterruptedException {
        String item = speechItem != null ? speechItem : nextItemId();
        speechItem = null;
        commit(until, item, eventId);
    }

    /** The buffer up to {@code until} becomes item {@code item}; waits while too many items are being transcribed. */
    private void commit(long until, String item, String eventId) throws InterruptedException {
        long have = Math.min(until, buffer.end()) - buffer.start();
        if (have < (long) live.sampleRate() * MIN_COMMIT_MS / 1000) { // a VAD turn is always longer (silence ≥ 100 ms)
            error("input_audio_buffer_commit_empty", "the buffer has " + millis(have) + " ms of audio; a commit needs at least "
                    + MIN_COMMIT_MS + " ms", null, eventId);
            return;
        }
        float[] audio = buffer.take(until);
        send("input_audio_buffer.committed", fields("previous_item_id", lastItem, "item_id", item));
        lastItem = item;
        transcriber.submit(new ItemTranscriber.Item(item, audio, live.retain(), settings.language(), settings.prompt()));
    }

    private void clear() {
        buffer.clear();
        restartTurns();
        send("input_audio_buffer.cleared", Map.of());
    }

    private void restartTurns() {
        speechItem = null;
        SessionSettings.Turns t = settings.turns();
        if (t == null) {
            vad = null;
            turns = null;
            return;
        }
        vad = live.vad().orElseThrow().stream();
        turns = new TurnDetector(t.threshold(), (long) t.silenceDurationMs() * live.sampleRate() / 1000, vad.chunk(), buffer.end());
    }

    private void send(String type, Map<String, Object> fields) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("event_id", "event_" + id.substring(5, 13) + "_" + events.incrementAndGet());
        event.putAll(fields);
        connection.send(event);
    }

    private void error(String code, String message, String param, String eventId) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "invalid_request_error");
        error.put("code", code);
        error.put("message", message);
        error.put("param", param);
        error.put("event_id", eventId);
        send("error", Map.of("error", error));
    }

    private void error(RuntimeException e, String eventId) {
        send("error", Map.of("error", errorBody(e, eventId)));
    }

    /** The JSON error body the same failure gets over HTTP (model not found, bad language, busy, …), plus the client's event id. */
    static Map<String, Object> errorBody(RuntimeException e, String eventId) {
        ApiError.Body body = ((ApiError) ErrorMappers.answer(e).getEntity()).error();
        if (body.type().equals("server_error")) {
            LOG.warn("realtime session failure", e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", body.type());
        out.put("code", body.code());
        out.put("message", body.message());
        out.put("param", body.param());
        out.put("event_id", eventId);
        return out;
    }

    private String nextItemId() {
        return "item_" + id.substring(5, 13) + "_" + ++items;
    }

    private long prefixSamples() {
        return (long) settings.turns().prefixPaddingMs() * live.sampleRate() / 1000;
    }

    private long maxBufferSamples() {
        return limits.maxBuffer().toMillis() * live.sampleRate() / 1000;
    }

    private long millis(long samples) {
        return samples * 1000 / live.sampleRate();
    }

    private static float[] pcm16(byte[] pcm) {
        float[] out = new float[pcm.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8)) / 32768f;
        }
        return out;
    }

    /** An ordered map that, unlike Map.of, takes null values (previous_item_id of the first item). */
    static Map<String, Object> fields(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }
}
