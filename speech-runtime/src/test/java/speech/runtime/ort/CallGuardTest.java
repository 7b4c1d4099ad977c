package speech.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lifetime rule of every {@link Graph}: close waits for running calls and refuses later ones. */
class CallGuardTest {

    // Its own threads: the common pool may have a single one on a small machine.
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void closeWaitsForTheRunningCallThenRefusesNewOnes() throws Exception {
        CallGuard guard = new CallGuard("m/g.onnx");
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch finishCall = new CountDownLatch(1);
        AtomicBoolean freed = new AtomicBoolean();
        AtomicBoolean freedDuringCall = new AtomicBoolean();

        CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> call(guard, () -> {
            inCall.countDown();
            await(finishCall);
            freedDuringCall.set(freed.get());
            return "done";
        }), threads);
        assertTrue(inCall.await(10, TimeUnit.SECONDS));
        CompletableFuture<Void> close = CompletableFuture.runAsync(() -> {
            try {
                guard.close(() -> freed.set(true));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, threads);
        assertThrows(TimeoutException.class, () -> close.get(300, TimeUnit.MILLISECONDS), "close must wait for the call");
        assertFalse(freed.get());

        finishCall.countDown();
        assertEquals("done", call.get(10, TimeUnit.SECONDS));
        close.get(10, TimeUnit.SECONDS);
        assertTrue(freed.get());
        assertFalse(freedDuringCall.get());
        assertThrows(GraphClosedException.class, () -> guard.call(() -> "late"));
    }

    @Test
    void callsRunConcurrentlyAndCloseReleasesOnce() throws Exception {
        CallGuard guard = new CallGuard("m/g.onnx");
        CountDownLatch both = new CountDownLatch(2);
        CompletableFuture<String> a = CompletableFuture.supplyAsync(() -> call(guard, () -> {
            both.countDown();
            await(both);
            return "a";
        }), threads);
        CompletableFuture<String> b = CompletableFuture.supplyAsync(() -> call(guard, () -> {
            both.countDown();
            await(both);
            return "b";
        }), threads);
        assertEquals("ab", a.get(10, TimeUnit.SECONDS) + b.get(10, TimeUnit.SECONDS));
        AtomicInteger releases = new AtomicInteger();
        guard.close(releases::incrementAndGet);
        guard.close(releases::incrementAndGet);
        assertEquals(1, releases.get());
    }

    private static String call(CallGuard guard, CallGuard.Call<String> body) {
        try {
            return guard.call(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
