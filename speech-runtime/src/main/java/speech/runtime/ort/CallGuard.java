package speech.runtime.ort;

import ai.onnxruntime.OrtException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The lifetime of one native session: any number of calls run at once, {@link #close} waits for the
 * running ones before it frees anything (freeing under a running call is a native crash), and a call
 * after the close fails with {@link GraphClosedException}. The wait is unbounded but covers one graph
 * call, not a whole request: a request's next call after the close is refused.
 */
final class CallGuard {

    @FunctionalInterface
    interface Call<T> {
        T run() throws OrtException;
    }

    @FunctionalInterface
    interface Release {
        void run() throws OrtException;
    }

    private final String name;
    // Calls hold the read lock, close the write lock. A waiting close keeps new calls out (a queued
    // writer blocks later readers), so a steady stream of calls cannot starve it.
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    CallGuard(String name) {
        this.name = name;
    }

    <T> T call(Call<T> call) throws OrtException {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new GraphClosedException(name);
            }
            return call.run();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Waits for the running calls, then releases once; later closes do nothing. */
    void close(Release release) throws OrtException {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            release.run();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
