package speech.asr.realtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import speech.asr.service.TranscriptionService;
import speech.asr.service.TranscriptionService.LiveModel;
import speech.asr.whisper.Segment;

/**
 * The committed items of one session, transcribed up to {@code parallel} at once through the service's
 * queue and engine (their windows share batches with each other and with file requests), their events
 * sent in commit order: an item's events wait, held back, until the item before it is done. {@link #submit}
 * blocks while {@code parallel} items run, and with it the session's reading of its socket.
 */
final class ItemTranscriber implements AutoCloseable {

    /** One committed item; it owns {@code live} (a hold on the model) until its transcription ends. */
    record Item(String id, float[] audio, LiveModel live, String language, String prompt) {
    }

    /** Sends one event (the session adds its type and event id). */
    interface Events {
        void send(String type, Map<String, Object> fields);
    }

    private final TranscriptionService service;
    private final Events events;
    private final Semaphore running;
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    /** Done when the last submitted item's events are all sent; touched by the submitting thread only. */
    private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
    private volatile boolean closed;

    ItemTranscriber(TranscriptionService service, int parallel, Events events) {
        this.service = service;
        this.events = events;
        this.running = new Semaphore(parallel);
    }

    /** Starts the item's transcription once fewer than {@code parallel} run; its events follow the previous item's. */
    void submit(Item item) throws InterruptedException {
        try {
            running.acquire();
        } catch (InterruptedException e) {
            item.live().close();
            throw e;
        }
        CompletableFuture<Void> before = previous;
        CompletableFuture<Void> done = new CompletableFuture<>();
        previous = done;
        Thread thread = Thread.ofVirtual().name("realtime-" + item.id()).unstarted(() -> run(item, before, done));
        threads.add(thread);
        thread.start();
    }

    private void run(Item item, CompletableFuture<Void> before, CompletableFuture<Void> done) {
        InOrder out = new InOrder(before);
        try (LiveModel held = item.live()) {
            boolean[] first = {true};
            TranscriptionService.Result r = service.transcribe(held, item.audio(), item.language(), item.prompt(), new TranscriptionService.Progress() {
                @Override
                public void segment(Segment s) {
                    // stripped like the joined text, so the deltas add up to the transcript
                    out.send("conversation.item.input_audio_transcription.delta", RealtimeSession.fields("item_id", item.id(),
                            "content_index", 0, "delta", first[0] ? s.text().stripLeading() : s.text()));
                    first[0] = false;
                }
            });
            out.send("conversation.item.input_audio_transcription.completed", RealtimeSession.fields("item_id", item.id(),
                    "content_index", 0, "transcript", r.transcript().text(), "usage", Map.of("type", "duration", "seconds", r.transcript().duration())));
        } catch (RuntimeException e) {
            if (!closed) {
                out.send("conversation.item.input_audio_transcription.failed", RealtimeSession.fields("item_id", item.id(),
                        "content_index", 0, "error", RealtimeSession.errorBody(e, null)));
            }
        } finally {
            before.join(); // never fails: every item completes its future in this finally
            out.release();
            done.complete(null);
            threads.remove(Thread.currentThread());
            running.release();
        }
    }

    /** The session is gone: running transcriptions are cancelled (their engine lanes leave at the next step). */
    @Override
    public void close() {
        closed = true;
        threads.forEach(Thread::interrupt);
    }

    /** One item's events, held back until the item before it is done, then sent as they come. */
    private final class InOrder {
        private record Held(String type, Map<String, Object> fields) {
        }

        private final List<Held> held = new ArrayList<>();
        private boolean released;

        InOrder(CompletableFuture<Void> before) {
            before.thenRun(this::release);
        }

        synchronized void send(String type, Map<String, Object> fields) {
            if (released) {
                events.send(type, fields);
            } else {
                held.add(new Held(type, fields));
            }
        }

        /** Idempotent: called when the item before is done, and by the item itself before it counts as done. */
        synchronized void release() {
            held.forEach(h -> events.send(h.type(), h.fields()));
            held.clear();
            released = true;
        }
    }
}
