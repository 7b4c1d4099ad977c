package speech.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import speech.runtime.model.ModelRegistry.Lease;
import speech.runtime.model.ModelRegistry.Settings;

/** The generic registry on a fake model type: first use, backoff, warm-up, startup, the bound, idle unloading, leases. */
class ModelRegistryTest {

    @TempDir
    Path root;

    final FakeModels fakes = new FakeModels();
    final ModelFamily<FakeModels.Model> family = fakes.family();
    /** The registry's clock; tests move it forward by hand. */
    final AtomicLong now = new AtomicLong(1_000_000_000L);

    @BeforeEach
    void models() {
        FakeModels.write(root, "a", FakeModels.FORMAT);
        FakeModels.write(root, "b", FakeModels.FORMAT);
        FakeModels.write(root, "c", FakeModels.FORMAT);
        FakeModels.write(root, "other", "some/other-family");
    }

    ModelRegistry<FakeModels.Model> registry(Settings settings) {
        return new ModelRegistry<>(family, root, Optional.of("a"), settings, now::get);
    }

    static Settings settings(int maxLoaded, Duration idleUnload) {
        return new Settings(maxLoaded, Optional.ofNullable(idleUnload), Duration.ofSeconds(1), Duration.ofSeconds(8));
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 1000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    @Test
    void theDefaultModelWarmsUpOnceBeforeAnyoneCanUseItAndReadinessSaysSoMeanwhile() throws Exception {
        fakes.warmUpGate = new CountDownLatch(1);
        try (ModelRegistry<FakeModels.Model> models = new ModelRegistry<>(family, root, Optional.of("a"), Settings.defaults())) {
            models.start();
            await(() -> models.readiness().reason().equals("warming up model a"), models.readiness().reason());
            assertFalse(models.readiness().ready(), "not ready while warming up");
            assertFalse(models.isLoaded("a"));
            assertTrue(models.acquireIfLoaded("a").isEmpty(), "nobody gets a model before its warm-up");
            CompletableFuture<Lease<FakeModels.Model>> request = CompletableFuture.supplyAsync(() -> models.acquire(null));
            Thread.sleep(50);
            assertFalse(request.isDone(), "a request waits for the warm-up");
            fakes.warmUpGate.countDown();
            try (Lease<FakeModels.Model> lease = request.get(10, TimeUnit.SECONDS)) {
                assertEquals(1, lease.model().warmUps.get(), "warmed up before the first request got it");
            }
            assertEquals(1, fakes.created.size());
            ModelRegistry.Readiness ready = models.readiness();
            assertTrue(ready.ready());
            ModelRegistry.WarmUp warmUp = ready.warmUp().orElseThrow();
            assertEquals("one fake inference", warmUp.what());
            assertTrue(warmUp.took().toMillis() >= 50, "timed around the warm-up: " + warmUp.took());
            try (Lease<FakeModels.Model> b = models.acquire("b")) {
                assertEquals(0, b.model().warmUps.get(), "a model a request loads is not warmed up: that request would pay for it");
            }
        }
    }

    @Test
    void aFailedWarmUpIsAFailedLoadItsModelClosedAndRetriedLikeOne() throws Exception {
        fakes.warmUpFailuresLeft.put("a", 1);
        // The failure shows in readiness for the 300 ms until the retry: wide enough to be seen on a loaded CI box.
        Settings fast = new Settings(0, Optional.empty(), Duration.ofMillis(300), Duration.ofSeconds(1));
        try (ModelRegistry<FakeModels.Model> models = new ModelRegistry<>(family, root, Optional.of("a"), fast)) {
            models.start();
            String failed = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && !models.readiness().ready()) {
                failed = models.readiness().reason().contains("failed") ? models.readiness().reason() : failed;
                Thread.sleep(5);
            }
            assertTrue(models.readiness().ready(), models.readiness().reason());
            assertTrue(failed != null && failed.startsWith("model a failed to load: model a failed its warm-up inference: cuDNN not found"),
                    String.valueOf(failed));
            assertEquals(2, fakes.created.size(), "loaded again after the failed warm-up");
            assertTrue(fakes.created.getFirst().closed, "the model that failed its warm-up is closed");
            assertEquals(1, fakes.created.getLast().warmUps.get());
            assertFalse(fakes.created.getLast().closed);
        }
    }

    @Test
    void startupWaitsForTheDefaultModelsLoadAndWarmUpHoweverLong() throws Exception {
        fakes.warmUpGate = new CountDownLatch(1);
        try (ModelRegistry<FakeModels.Model> models = new ModelRegistry<>(family, root, Optional.of("a"), Settings.defaults())) {
            assertFalse(models.startup().done(), "not started before start()");
            models.start();
            await(() -> models.startup().reason().equals("warming up model a"), models.startup().reason());
            Thread.sleep(200);
            assertFalse(models.startup().done(), "a load in progress is waited for");
            fakes.warmUpGate.countDown();
            await(() -> models.startup().done(), models.startup().reason());
            assertEquals(new ModelRegistry.Startup(true, "a", "model a loaded"), models.startup());
        }
    }

    @Test
    void startupGivesUpAfterItsAttemptsThenTheRetriesStillMakeItReady() throws Exception {
        fakes.failuresLeft.put("a", 5);
        Settings settings = new Settings(0, Optional.empty(), Duration.ofMillis(300), Duration.ofMillis(300), 3);
        try (ModelRegistry<FakeModels.Model> models = new ModelRegistry<>(family, root, Optional.of("a"), settings)) {
            models.start();
            await(() -> fakes.attemptNanos.size() >= 1 && models.readiness().reason().contains("failed to load"), models.readiness().reason());
            ModelRegistry.Startup waiting = models.startup();
            assertFalse(waiting.done(), "one failure: still starting");
            assertTrue(waiting.reason().startsWith("model a failed to load: disk on fire"), waiting.reason());

            await(() -> models.startup().done(), models.startup().reason());
            assertEquals(3, fakes.attemptNanos.size(), "done after exactly three failed attempts");
            ModelRegistry.Startup gaveUp = models.startup();
            assertFalse(models.readiness().ready());
            assertTrue(gaveUp.reason().startsWith("gave up waiting after 3 failed attempts; readiness stays DOWN while the load is retried: "
                    + "model a failed to load: disk on fire while loading a"), gaveUp.reason());

            await(() -> models.readiness().ready(), models.readiness().reason());
            assertEquals(6, fakes.attemptNanos.size(), "retried after startup gave up, until the load succeeded");
            assertEquals("model a loaded", models.startup().reason());
        }
    }

    @Test
    void aMissingDefaultModelIsGivenUpOnThenLoadsOnceItIsExported() throws Exception {
        Settings settings = new Settings(0, Optional.empty(), Duration.ofMillis(50), Duration.ofMillis(100), 2);
        try (ModelRegistry<FakeModels.Model> models = new ModelRegistry<>(family, root, Optional.of("late"), settings)) {
            models.start();
            await(() -> models.startup().done(), models.startup().reason());
            assertTrue(models.startup().reason().endsWith("retried: default model late not found in " + root + " (available: a, b, c)"),
                    models.startup().reason());
            assertFalse(models.readiness().ready());
            FakeModels.write(root, "late", FakeModels.FORMAT);
            await(() -> models.readiness().ready(), models.readiness().reason());
            assertEquals(1, fakes.created.getLast().warmUps.get());
        }
    }

    @Test
    void loadsOnFirstUseOnceAndResolvesDefaultAliasAndUnknown() {
        try (ModelRegistry<FakeModels.Model> models = registry(Settings.defaults())) {
            assertEquals(List.of("a", "b", "c"), models.ids(), "only this family's folders");
            assertFalse(models.isLoaded("b"));
            try (Lease<FakeModels.Model> b1 = models.acquire("b"); Lease<FakeModels.Model> b2 = models.acquire(" b ")) {
                assertSame(b1.model(), b2.model());
                assertTrue(models.isLoaded("b"));
            }
            try (Lease<FakeModels.Model> none = models.acquire(null); Lease<FakeModels.Model> alias = models.acquire("fake-1")) {
                assertEquals("a", none.id());
                assertSame(none.model(), alias.model());
            }
            assertEquals(2, fakes.loads.get());
            ModelNotFoundException missing = assertThrows(ModelNotFoundException.class, () -> models.acquire("other"));
            assertEquals(List.of("a", "b", "c"), missing.available());
            assertThrows(ModelNotFoundException.class, () -> models.acquire("../a"));
        }
    }

    @Test
    void aFailedLoadAnswersFastUntilItsBackoffHasPassedThenLoads() {
        fakes.failuresLeft.put("b", 2);
        try (ModelRegistry<FakeModels.Model> models = registry(Settings.defaults())) {
            ModelException first = assertThrows(ModelException.class, () -> models.acquire("b"));
            assertTrue(first.getMessage().contains("disk on fire"), first.getMessage());
            ModelException fast = assertThrows(ModelException.class, () -> models.acquire("b"));
            assertTrue(fast.getMessage().contains("next attempt in 1.0 s"), fast.getMessage());
            assertEquals(1, fakes.attemptNanos.size(), "no second load inside the backoff");

            advance(Duration.ofMillis(1001));
            assertThrows(ModelException.class, () -> models.acquire("b"));
            advance(Duration.ofMillis(1500));
            ModelException doubled = assertThrows(ModelException.class, () -> models.acquire("b"));
            assertTrue(doubled.getMessage().contains("next attempt in 0.5 s (failure 2)"), "backoff doubled to 2 s: " + doubled.getMessage());

            advance(Duration.ofMillis(501));
            try (Lease<FakeModels.Model> b = models.acquire("b")) {
                assertFalse(b.model().closed);
            }
            assertEquals(3, fakes.attemptNanos.size());
        }
    }

    @Test
    void theDefaultModelRetriesInTheBackgroundWithGrowingWaitsUntilReady() throws InterruptedException {
        fakes.failuresLeft.put("a", 2);
        Settings fast = new Settings(0, Optional.empty(), Duration.ofMillis(100), Duration.ofSeconds(1));
        try (ModelRegistry<FakeModels.Model> models = new ModelRegistry<>(family, root, Optional.of("a"), fast)) {
            assertFalse(models.readiness().ready());
            models.start();
            String failedReason = null;
            for (int i = 0; i < 500 && !models.readiness().ready(); i++) {
                String reason = models.readiness().reason();
                if (reason.contains("failed to load")) {
                    failedReason = reason;
                }
                Thread.sleep(10);
            }
            ModelRegistry.Readiness ready = models.readiness();
            assertTrue(ready.ready(), ready.reason());
            assertEquals("model a loaded", ready.reason());
            assertTrue(failedReason != null && failedReason.startsWith("model a failed to load: disk on fire"), String.valueOf(failedReason));
            List<Long> t = fakes.attemptNanos;
            assertEquals(3, t.size());
            long firstWait = TimeUnit.NANOSECONDS.toMillis(t.get(1) - t.get(0));
            long secondWait = TimeUnit.NANOSECONDS.toMillis(t.get(2) - t.get(1));
            assertTrue(firstWait >= 100, "first retry after ≥ 100 ms, was " + firstWait);
            assertTrue(secondWait >= 200, "second retry after ≥ 200 ms (doubled), was " + secondWait);
        }
    }

    @Test
    void atMostMaxLoadedStayLoadedLeastRecentlyUsedIdleOneGoesFirst() {
        try (ModelRegistry<FakeModels.Model> models = registry(settings(2, null))) {
            FakeModels.Model a;
            try (Lease<FakeModels.Model> lease = models.acquire("a")) {
                a = lease.model();
            }
            advance(Duration.ofSeconds(1));
            models.acquire("b").close();
            advance(Duration.ofSeconds(1));
            try (Lease<FakeModels.Model> c = models.acquire("c")) {
                assertFalse(models.isLoaded("a"), "a was the least recently used");
                assertTrue(a.closed);
                assertTrue(models.isLoaded("b") && models.isLoaded("c"));
                assertFalse(c.model().closed);
            }
        }
    }

    @Test
    void theBoundNeverUnloadsALeasedModelAndSettlesOnceItIsReleased() {
        try (ModelRegistry<FakeModels.Model> models = registry(settings(1, null))) {
            Lease<FakeModels.Model> a = models.acquire("a");
            advance(Duration.ofSeconds(1));
            try (Lease<FakeModels.Model> b = models.acquire("b")) {
                assertTrue(models.isLoaded("a") && models.isLoaded("b"), "a is in use: over the bound rather than closed");
                assertFalse(a.model().closed);
                a.close();
                assertFalse(models.isLoaded("a"), "released and least recently used: unloaded");
                assertTrue(a.model().closed);
                assertFalse(b.model().closed);
            }
        }
    }

    @Test
    void anIdleModelIsUnloadedAndLoadsAgainOnTheNextRequest() {
        try (ModelRegistry<FakeModels.Model> models = registry(settings(0, Duration.ofMinutes(1)))) {
            FakeModels.Model first;
            try (Lease<FakeModels.Model> lease = models.acquire("a")) {
                first = lease.model();
            }
            advance(Duration.ofSeconds(30));
            models.unloadIdle();
            assertTrue(models.isLoaded("a"), "30 s idle is under the limit");
            advance(Duration.ofSeconds(31));
            models.unloadIdle();
            assertFalse(models.isLoaded("a"));
            assertTrue(first.closed);
            ModelRegistry.Readiness r = models.readiness();
            assertTrue(r.ready(), "an idle unload keeps the service ready");
            assertEquals("model a unloaded after 60 s idle; it loads again on the next request", r.reason());

            try (Lease<FakeModels.Model> again = models.acquire("a")) {
                assertNotSame(first, again.model());
                assertFalse(again.model().closed);
            }
            assertEquals(2, fakes.loads.get());
        }
    }

    @Test
    void idleUnloadOffByDefault() {
        try (ModelRegistry<FakeModels.Model> models = registry(Settings.defaults())) {
            models.acquire("a").close();
            advance(Duration.ofDays(1));
            models.unloadIdle();
            assertTrue(models.isLoaded("a"));
        }
    }

    @Test
    void aLeasedModelIsNeverUnloadedHoweverLongItRuns() {
        try (ModelRegistry<FakeModels.Model> models = registry(settings(0, Duration.ofMinutes(1)))) {
            Lease<FakeModels.Model> request = models.acquire("a");
            Lease<FakeModels.Model> queuedJob = request.retain();
            advance(Duration.ofMinutes(10));
            models.unloadIdle();
            assertTrue(models.isLoaded("a"));
            request.close();
            assertThrows(ModelException.class, request::retain, "a closed lease hands out no more");
            advance(Duration.ofMinutes(10));
            models.unloadIdle();
            assertFalse(queuedJob.model().closed, "the job still holds its own lease");
            queuedJob.close();
            models.unloadIdle();
            assertTrue(models.isLoaded("a"), "idle time counts from the last release");
            advance(Duration.ofMinutes(1));
            models.unloadIdle();
            assertFalse(models.isLoaded("a"));
            assertTrue(queuedJob.model().closed);
        }
    }

    @Test
    void theBackgroundUnloadsIdleModelsOnItsOwn() throws InterruptedException {
        Settings quick = new Settings(0, Optional.of(Duration.ofMillis(200)), Duration.ofMillis(100), Duration.ofSeconds(1));
        try (ModelRegistry<FakeModels.Model> models = new ModelRegistry<>(family, root, Optional.of("a"), quick)) {
            models.start();
            for (int i = 0; i < 500 && fakes.loads.get() == 0; i++) {
                Thread.sleep(10);
            }
            for (int i = 0; i < 500 && models.isLoaded("a"); i++) {
                Thread.sleep(10);
            }
            assertFalse(models.isLoaded("a"), "unloaded after 200 ms idle");
            try (Lease<FakeModels.Model> again = models.acquire(null)) {
                assertFalse(again.model().closed);
            }
            assertEquals(2, fakes.loads.get());
        }
    }

    @Test
    void readinessSaysWhyNotReady() {
        try (ModelRegistry<FakeModels.Model> missing = new ModelRegistry<>(family, root, Optional.of("zzz"), Settings.defaults())) {
            ModelRegistry.Readiness r = missing.readiness();
            assertFalse(r.ready());
            assertEquals("default model zzz not found in " + root + " (available: a, b, c)", r.reason());
        }
        try (ModelRegistry<FakeModels.Model> empty = new ModelRegistry<>(family, root.resolve("nothing"), Optional.empty(), Settings.defaults())) {
            assertFalse(empty.readiness().ready());
            assertTrue(empty.readiness().reason().startsWith("no Fake model in "), empty.readiness().reason());
            assertThrows(ModelException.class, () -> empty.acquire(null));
        }
        try (ModelRegistry<FakeModels.Model> firstOnDisk = new ModelRegistry<>(family, root, Optional.empty(), Settings.defaults())) {
            assertEquals(Optional.of("a"), firstOnDisk.defaultId());
            assertEquals("model a not loaded yet", firstOnDisk.readiness().reason());
        }
    }
}
