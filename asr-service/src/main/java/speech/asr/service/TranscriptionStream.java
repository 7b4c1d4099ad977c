package speech.asr.service;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import speech.asr.whisper.Segment;

/**
 * A transcription that runs on a thread of its own while the caller relays what it reports. {@link #start}
 * returns once the audio is decoded and the work began, so every 4xx (bad audio, full queue) is thrown
 * there, before a response starts; what comes later arrives as {@link Event}s, a failure included.
 * A request's events are bounded by its segments, so the queue needs no bound of its own.
 */
public final class TranscriptionStream implements AutoCloseable {

    /** What the transcription reports, in order: segments, then exactly one of Done or Failed. */
    public sealed interface Event {
    }

    public record Delta(Segment segment) implements Event {
    }

    public record Done(TranscriptionService.Result result) implements Event {
    }

    public record Failed(RuntimeException error) implements Event {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final Thread worker;

    private TranscriptionStream(TranscriptionService service, TranscribeCommand command) {
        TranscriptionService.Progress progress = new TranscriptionService.Progress() {
            @Override
            public void started(double audioSeconds) {
                started.complete(null);
            }

            @Override
            public void segment(Segment segment) {
                events.add(new Delta(segment));
            }
        };
        this.worker = Thread.ofVirtual().name("asr-stream").unstarted(() -> {
            try {
                events.add(new Done(service.transcribe(command, progress)));
                started.complete(null);
            } catch (RuntimeException e) {
                events.add(new Failed(e));
                started.completeExceptionally(e);
            } catch (Error e) {
                events.add(new Failed(new IllegalStateException(e)));
                started.completeExceptionally(e);
                throw e;
            }
        });
    }

    /** Starts the transcription and waits until its audio is decoded: a failure until then is thrown as is. */
    static TranscriptionStream start(TranscriptionService service, TranscribeCommand command) {
        TranscriptionStream stream = new TranscriptionStream(service, command);
        stream.worker.start();
        try {
            stream.started.get();
            return stream;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            stream.close();
            Thread.currentThread().interrupt();
            throw new CancellationException("the request was interrupted before its transcription started");
        }
    }

    /** The next event, waiting for it; after Done or Failed there is none. */
    public Event next() throws InterruptedException {
        return events.take();
    }

    /** The client is gone: the transcription is cancelled (its engine lanes leave at the next step). */
    @Override
    public void close() {
        worker.interrupt();
    }
}
