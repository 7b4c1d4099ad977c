package speech.runtime.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Model id (folder name under the models directory) → the loaded model of one {@link ModelFamily},
 * shared by every request that names it.
 * <ul>
 *   <li>A model loads on first use; the default one also at {@link #start()}, in the background, retried
 *       with exponential backoff until it loads. A failed load answers fast until its next attempt is
 *       due, then is tried again: fixing the folder works without a restart.</li>
 *   <li>The default model, loaded ahead of traffic, runs its family's warm-up (one short inference) before
 *       any request may use it; a warm-up that fails is a failed load. A model loaded by a request is not
 *       warmed up: that request would pay the same first-call setup, and the warm-up's inference on top.</li>
 *   <li>{@link #startup()} is done once the default model loaded, or once {@code startupAttempts} loads
 *       of it failed in a row (then readiness stays DOWN with the reason while the retries go on).</li>
 *   <li>A request holds a {@link Lease} while it uses a model; a leased model is never closed.</li>
 *   <li>At most {@code maxLoaded} models stay loaded: loading one more first unloads the least recently
 *       used idle one. Models idle longer than {@code idleUnload} (when set) are unloaded, which frees
 *       GPU memory, and load again on the next request.</li>
 * </ul>
 */
public final class ModelRegistry<M extends AutoCloseable> implements AutoCloseable {

    /**
     * @param maxLoaded    models loaded at once; 0 = no bound
     * @param idleUnload   unload a model unused for this long; empty = keep it loaded
     * @param retryInitial wait after a failed load; it doubles with every further failure, up to {@code retryMax}
     * @param startupAttempts failed loads of the default model after which startup stops waiting for it
     */
    public record Settings(int maxLoaded, Optional<Duration> idleUnload, Duration retryInitial, Duration retryMax, int startupAttempts) {

        public static final int STARTUP_ATTEMPTS = 3;

        public Settings(int maxLoaded, Optional<Duration> idleUnload, Duration retryInitial, Duration retryMax) {
            this(maxLoaded, idleUnload, retryInitial, retryMax, STARTUP_ATTEMPTS);
        }

        public Settings {
            if (startupAttempts < 1) {
                throw new IllegalArgumentException("speech.models.startup-attempts must be at least 1, got " + startupAttempts);
            }
        }

        public static Settings defaults() {
            return new Settings(0, Optional.empty(), Duration.ofSeconds(1), Duration.ofMinutes(1));
        }
    }

    /** What a model's warm-up ran and how long it took. */
    public record WarmUp(String what, Duration took) {
    }

    /** Whether the default model is usable, with the reason in one format for every service, and its last warm-up. */
    public record Readiness(boolean ready, String model, String reason, Optional<WarmUp> warmUp) {
    }

    /** Whether startup is over: the default model loaded, or given up on after its startup attempts (the reason says which). */
    public record Startup(boolean done, String model, String reason) {
    }

    /**
     * One request's use of a model: the model is not unloaded before every lease on it closed. Work
     * handed to another thread (a queued job, which may outlive the request after a timeout) takes a
     * lease of its own with {@link #retain()}.
     */
    public static final class Lease<M> implements AutoCloseable {

        private final String id;
        private final M model;
        private final Object registryLock;
        private final Runnable retainSlot;
        private final Runnable release;
        private volatile boolean open = true;

        private Lease(String id, M model, Object registryLock, Runnable retainSlot, Runnable release) {
            this.id = id;
            this.model = model;
            this.registryLock = registryLock;
            this.retainSlot = retainSlot;
            this.release = release;
        }

        public String id() {
            return id;
        }

        public M model() {
            return model;
        }

        /** Another lease on the same model; refused once this one is closed (the model may be gone). */
        public Lease<M> retain() {
            synchronized (registryLock) {
                if (!open) {
                    throw new ModelException("model " + id + " was released before the work on it started");
                }
                retainSlot.run();
                return new Lease<>(id, model, registryLock, retainSlot, release);
            }
        }

        @Override
        public void close() {
            synchronized (registryLock) {
                if (!open) {
                    return;
                }
                open = false;
            }
            release.run();
        }
    }

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    /** One model id's state, guarded by the registry's lock. */
    private final class Slot {
        final String id;
        /** The load in progress or done; null while unloaded. */
        FutureTask<M> loading;
        /** Set once the load succeeded, until the model is unloaded. */
        M model;
        int leases;
        long lastUsed;
        boolean everLoaded;
        /** Loaded and running its warm-up: not handed out yet. */
        boolean warming;
        WarmUp warmUp;
        String unloadedBecause;
        RuntimeException failure;
        int failures;
        long retryAt;

        Slot(String id) {
            this.id = id;
        }
    }

    private final ModelFamily<M> family;
    private final Path root;
    private final Optional<String> configuredDefault;
    private final Settings settings;
    private final LongSupplier nanoTime;
    private final Map<String, Slot> slots = new HashMap<>();
    private ScheduledExecutorService background;
    private int preloadAttempts;
    /** Startup is over (monotonic); set by the default model's background load. */
    private boolean started;
    private boolean startupGaveUp;
    private volatile boolean closed;

    public ModelRegistry(ModelFamily<M> family, Path root, Optional<String> defaultModel, Settings settings) {
        this(family, root, defaultModel, settings, System::nanoTime);
    }

    /** With a clock of its own, so tests can let time pass. */
    ModelRegistry(ModelFamily<M> family, Path root, Optional<String> defaultModel, Settings settings, LongSupplier nanoTime) {
        this.family = family;
        this.root = root;
        this.configuredDefault = defaultModel.map(String::strip).filter(id -> !id.isEmpty());
        this.settings = settings;
        this.nanoTime = nanoTime;
    }

    /** Loads the default model in the background (retrying until it loads) and starts the idle unloading. */
    public synchronized void start() {
        if (background != null || closed) {
            return;
        }
        background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, family.name().toLowerCase(Locale.ROOT) + "-models");
            t.setDaemon(true);
            return t;
        });
        background.execute(this::preloadDefault);
        settings.idleUnload().ifPresent(idle -> {
            long period = Math.min(Math.max(idle.toMillis() / 2, 50), 60_000);
            background.scheduleWithFixedDelay(this::unloadIdle, period, period, TimeUnit.MILLISECONDS);
        });
    }

    public Path root() {
        return root;
    }

    /** This family's model ids on disk now, sorted. */
    public List<String> ids() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(this::isFamilyModel).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The configured default, else the first model on disk. */
    public Optional<String> defaultId() {
        return configuredDefault.or(() -> ids().stream().findFirst());
    }

    /** The manifest of a model on disk, without loading it. */
    public Optional<Manifest> manifest(String id) {
        return exists(id) ? Optional.of(Manifest.read(root.resolve(id))) : Optional.empty();
    }

    /** The manifests of this family's models on disk, without loading any. */
    public List<Manifest> manifests() {
        return ids().stream().flatMap(id -> manifest(id).stream()).toList();
    }

    public synchronized boolean isLoaded(String id) {
        Slot slot = slots.get(id);
        return slot != null && slot.model != null;
    }

    /**
     * The requested model (none, or one of the family's aliases, means the default), loaded now if
     * needed, for the caller to use until it closes the lease.
     *
     * @throws ModelNotFoundException no such model on disk
     * @throws ModelException         the model cannot be loaded (now)
     */
    public Lease<M> acquire(String requested) {
        return acquire(requested, false);
    }

    private Lease<M> acquire(String requested, boolean warmUp) {
        String id = resolve(requested);
        if (!exists(id)) {
            throw new ModelNotFoundException(id, ids());
        }
        Slot slot;
        FutureTask<M> task;
        boolean loadHere = false;
        List<M> unloaded = List.of();
        synchronized (this) {
            if (closed) {
                throw new ModelException("the service is shutting down");
            }
            slot = slots.computeIfAbsent(id, Slot::new);
            if (slot.loading == null) {
                long now = nanoTime.getAsLong();
                if (slot.failure != null && now - slot.retryAt < 0) {
                    throw new ModelException(failureReason(slot, now), slot.failure);
                }
                unloaded = unloadLeastRecentlyUsed(settings.maxLoaded() - 1, "to make room for " + id);
                Slot loadingSlot = slot;
                slot.loading = new FutureTask<>(() -> load(loadingSlot, warmUp));
                loadHere = true;
            }
            slot.leases++;
            task = slot.loading;
        }
        closeAll(unloaded);
        if (loadHere) {
            task.run();
        }
        try {
            return lease(slot, task.get());
        } catch (ExecutionException | CancellationException e) {
            release(slot);
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof ModelException me ? me : new ModelException("model " + id + " failed to load: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            release(slot);
            Thread.currentThread().interrupt();
            throw new ModelException("interrupted while model " + id + " was loading", e);
        }
    }

    /** A lease on the model only when it is loaded already (for reports that must not trigger a load). */
    public synchronized Optional<Lease<M>> acquireIfLoaded(String id) {
        Slot slot = slots.get(id);
        if (slot == null || slot.model == null) {
            return Optional.empty();
        }
        slot.leases++;
        return Optional.of(lease(slot, slot.model));
    }

    /** Runs {@code action} on every model loaded now (each leased meanwhile), without loading any. */
    public void forEachLoaded(Consumer<M> action) {
        List<Lease<M>> leases = new ArrayList<>();
        synchronized (this) {
            for (Slot slot : slots.values()) {
                if (slot.model != null) {
                    slot.leases++;
                    leases.add(lease(slot, slot.model));
                }
            }
        }
        for (Lease<M> lease : leases) {
            try (lease) {
                action.accept(lease.model());
            }
        }
    }

    /** Unloads the models nobody used for {@code idleUnload}; the background runs this when it is set. */
    public void unloadIdle() {
        if (settings.idleUnload().isEmpty()) {
            return;
        }
        Duration idle = settings.idleUnload().get();
        List<M> unloaded = new ArrayList<>();
        synchronized (this) {
            long now = nanoTime.getAsLong();
            for (Slot slot : slots.values()) {
                if (slot.model != null && slot.leases == 0 && now - slot.lastUsed >= idle.toNanos()) {
                    unloaded.add(unload(slot, "after " + idle.toSeconds() + " s idle"));
                }
            }
        }
        closeAll(unloaded);
    }

    /** The default model's state; ready once it has loaded (an idle unload keeps it ready: it loads again on demand). */
    public Readiness readiness() {
        Optional<String> id = defaultId();
        if (id.isEmpty()) {
            return new Readiness(false, null, "no " + family.name() + " model in " + root + "; export one with onnx-export/export",
                    Optional.empty());
        }
        if (!exists(id.get())) {
            return new Readiness(false, id.get(), "default model " + id.get() + " not found in " + root + " (available: "
                    + String.join(", ", ids()) + ")", Optional.empty());
        }
        synchronized (this) {
            Slot slot = slots.get(id.get());
            String reason;
            if (slot == null) {
                reason = "model " + id.get() + " not loaded yet";
            } else if (slot.model != null) {
                reason = "model " + id.get() + " loaded";
            } else if (slot.warming) {
                reason = "warming up model " + id.get();
            } else if (slot.loading != null) {
                reason = "loading model " + id.get();
            } else if (slot.failure != null) {
                reason = failureReason(slot, nanoTime.getAsLong());
            } else {
                reason = "model " + id.get() + " unloaded " + slot.unloadedBecause + "; it loads again on the next request";
            }
            return new Readiness(slot != null && slot.everLoaded, id.get(), reason, Optional.ofNullable(slot == null ? null : slot.warmUp));
        }
    }

    /**
     * Whether startup is over, for the startup probe: not while the default model loads and warms up (however
     * long that takes), done once it loaded or once {@code startupAttempts} loads in a row failed. Giving up
     * ends only the startup: readiness stays DOWN with the reason and the loads go on being retried.
     */
    public Startup startup() {
        Readiness now = readiness();
        synchronized (this) {
            if (startupGaveUp && !now.ready()) {
                return new Startup(true, now.model(), "gave up waiting after " + settings.startupAttempts()
                        + " failed attempts; readiness stays DOWN while the load is retried: " + now.reason());
            }
            return new Startup(started || now.ready(), now.model(), now.reason());
        }
    }

    /** Closes every model, leased or not: the service stops, and its queues drained before. */
    @Override
    public void close() {
        List<M> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            if (background != null) {
                background.shutdownNow();
            }
            for (Slot slot : slots.values()) {
                if (slot.model != null) {
                    all.add(unload(slot, "at shutdown"));
                }
            }
        }
        closeAll(all);
    }

    private String resolve(String requested) {
        if (requested == null || requested.isBlank() || family.aliases().contains(requested.strip())) {
            return defaultId().orElseThrow(() -> new ModelException(readiness().reason()));
        }
        return requested.strip();
    }

    private M load(Slot slot, boolean warm) {
        long start = System.nanoTime();
        try {
            Manifest manifest = Manifest.read(root.resolve(slot.id)).verifyFiles();
            manifest.license().nonCommercialNotice(slot.id).ifPresent(LOG::warn);  // a deployer must not miss it
            M model = family.load(manifest);
            WarmUp warmUp = warm ? warmUp(slot, model) : null;
            synchronized (this) {
                if (closed) {
                    closeAll(List.of(model));
                    throw new ModelException("the service is shutting down");
                }
                slot.model = model;
                slot.warmUp = warmUp;
                slot.everLoaded = true;
                slot.failure = null;
                slot.failures = 0;
                slot.lastUsed = nanoTime.getAsLong();
            }
            LOG.infof("%s model %s loaded in %d ms%s", family.name(), slot.id, (System.nanoTime() - start) / 1_000_000,
                    warmUp == null ? "" : " (warm-up: " + warmUp.what() + ", " + warmUp.took().toMillis() + " ms)");
            return model;
        } catch (RuntimeException e) {
            synchronized (this) {
                slot.loading = null;
                if (closed) {
                    throw e;
                }
                slot.failure = e;
                slot.failures++;
                slot.retryAt = nanoTime.getAsLong() + backoff(slot.failures).toNanos();
                // A ModelException's message says it all; anything else is unexpected and gets its stack trace.
                LOG.error(failureReason(slot, nanoTime.getAsLong()), e instanceof ModelException ? null : e);
            }
            throw e;
        }
    }

    /** The family's warm-up on a model nobody can lease yet; a failure closes it and fails the load. */
    private WarmUp warmUp(Slot slot, M model) {
        synchronized (this) {
            slot.warming = true;
        }
        long start = System.nanoTime();
        try {
            String what = family.warmUp(model);
            return new WarmUp(what, Duration.ofNanos(System.nanoTime() - start));
        } catch (RuntimeException e) {
            closeAll(List.of(model));
            throw new ModelException("model " + slot.id + " failed its warm-up inference: " + e.getMessage(), e);
        } finally {
            synchronized (this) {
                slot.warming = false;
            }
        }
    }

    private Lease<M> lease(Slot slot, M model) {
        return new Lease<>(slot.id, model, this, () -> slot.leases++, () -> release(slot));
    }

    private void release(Slot slot) {
        List<M> unloaded;
        synchronized (this) {
            slot.leases--;
            slot.lastUsed = nanoTime.getAsLong();
            // Loads that found every model busy may have gone over the bound; settle it now one is idle.
            unloaded = unloadLeastRecentlyUsed(settings.maxLoaded(), "to stay within " + settings.maxLoaded() + " loaded models");
        }
        closeAll(unloaded);
    }

    /** Unloads idle models, least recently used first, until at most {@code keep} are loaded or loading. */
    private List<M> unloadLeastRecentlyUsed(int keep, String why) {
        if (settings.maxLoaded() <= 0) {
            return List.of();
        }
        List<M> unloaded = new ArrayList<>();
        long occupied = slots.values().stream().filter(s -> s.loading != null).count();
        List<Slot> idle = slots.values().stream().filter(s -> s.model != null && s.leases == 0)
                .sorted(Comparator.comparingLong(s -> s.lastUsed)).toList();
        for (int i = 0; occupied > keep && i < idle.size(); i++, occupied--) {
            unloaded.add(unload(idle.get(i), why));
        }
        if (occupied > keep) {
            LOG.warnf("%d models loaded, over speech.models.max-loaded=%d: the others are in use", occupied, settings.maxLoaded());
        }
        return unloaded;
    }

    private M unload(Slot slot, String why) {
        M model = slot.model;
        slot.model = null;
        slot.loading = null;
        slot.unloadedBecause = why;
        LOG.infof("%s model %s unloaded %s", family.name(), slot.id, why);
        return model;
    }

    private void preloadDefault() {
        try (Lease<M> lease = acquire(null, true)) {
            synchronized (this) {
                preloadAttempts = 0;
                started = true;
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                Duration delay = backoff(++preloadAttempts);
                LOG.warnf("default %s model not loaded (%s); next attempt in %d ms", family.name(), e.getMessage(), delay.toMillis());
                if (!started && preloadAttempts >= settings.startupAttempts()) {
                    started = true;
                    startupGaveUp = true;
                    LOG.warnf("startup done without the default %s model after %d failed attempts: not ready until it loads",
                            family.name(), preloadAttempts);
                }
                background.schedule(this::preloadDefault, delay.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    private Duration backoff(int failures) {
        Duration delay = settings.retryInitial().multipliedBy(1L << Math.min(failures - 1, 30));
        return delay.compareTo(settings.retryMax()) > 0 ? settings.retryMax() : delay;
    }

    private String failureReason(Slot slot, long now) {
        return String.format(Locale.ROOT, "model %s failed to load: %s; next attempt in %.1f s (failure %d)", slot.id,
                slot.failure.getMessage(), Math.max(0, slot.retryAt - now) / 1e9, slot.failures);
    }

    private boolean exists(String id) {
        return isSafeId(id) && isFamilyModel(root.resolve(id));
    }

    private boolean isFamilyModel(Path dir) {
        if (!Manifest.isModelDir(dir)) {
            return false;
        }
        try {
            return family.owns(Manifest.read(dir));
        } catch (ModelException e) {
            return false;
        }
    }

    private void closeAll(List<M> models) {
        for (M model : models) {
            try {
                model.close();
            } catch (Exception e) {
                LOG.warn("closing a model failed", e);
            }
        }
    }

    // Ids come from URLs and form fields: only plain folder names, never a path.
    private static boolean isSafeId(String id) {
        return id != null && !id.isBlank() && id.length() <= 128 && id.matches("[A-Za-z0-9._-]+") && !id.startsWith(".");
    }
}
