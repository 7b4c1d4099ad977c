package speech.asr.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * Interrupts the worker thread serving a request when its client disconnects: the request queue then
 * cancels the transcription, whose engine job frees its lanes at the next step. Only while the
 * request runs ({@link #close} ends it), so a later close of a kept-alive connection never
 * interrupts the thread's next request.
 */
final class ClientGone implements Handler<Void>, AutoCloseable {

    private final Thread worker = Thread.currentThread();
    private boolean running = true; // guarded by this

    private ClientGone() {
    }

    static ClientGone watch(HttpServerRequest request) {
        ClientGone gone = new ClientGone();
        request.connection().closeHandler(gone);
        return gone;
    }

    @Override
    public synchronized void handle(Void closed) {
        if (running) {
            worker.interrupt();
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        Thread.interrupted(); // an interrupt that came too late for the request must not reach the next one
    }
}
