package speech.runtime.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** A model family for the registry's tests: real model folders (manifest + hashed file), models that only record being closed. */
final class FakeModels {

    static final String FORMAT = "test/fake";

    static final class Model implements AutoCloseable {
        final String id;
        volatile boolean closed;
        final AtomicInteger warmUps = new AtomicInteger();

        Model(String id) {
            this.id = id;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    final AtomicInteger loads = new AtomicInteger();
    final List<Long> attemptNanos = new CopyOnWriteArrayList<>();
    final Map<String, Integer> failuresLeft = new ConcurrentHashMap<>();
    final Map<String, Integer> warmUpFailuresLeft = new ConcurrentHashMap<>();
    /** Every model loaded, in order, whether its warm-up passed or not. */
    final List<Model> created = new CopyOnWriteArrayList<>();
    /** Warm-ups wait for this (tests hold a model in its warm-up). */
    volatile CountDownLatch warmUpGate = new CountDownLatch(0);

    ModelFamily<Model> family() {
        return new ModelFamily<>("Fake", manifest -> FORMAT.equals(manifest.root().path("format").asText()), this::load, Set.of("fake-1"),
                this::warmUp);
    }

    private String warmUp(Model model) {
        try {
            warmUpGate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        model.warmUps.incrementAndGet();
        if (warmUpFailuresLeft.merge(model.id, -1, Integer::sum) >= 0) {
            throw new IllegalStateException("cuDNN not found");
        }
        return "one fake inference";
    }

    private Model load(Manifest manifest) {
        String id = manifest.dir().getFileName().toString();
        attemptNanos.add(System.nanoTime());
        if (failuresLeft.merge(id, -1, Integer::sum) >= 0) {
            throw new ModelException("disk on fire while loading " + id);
        }
        loads.incrementAndGet();
        Model model = new Model(id);
        created.add(model);
        return model;
    }

    /** A model folder as the export writes it: one weights file and a manifest naming its sha256. */
    static void write(Path root, String id, String format) {
        try {
            Path dir = Files.createDirectories(root.resolve(id));
            Path weights = Files.writeString(dir.resolve("weights.bin"), "weights of " + id);
            Files.writeString(dir.resolve(Manifest.FILE), "{\"format\": \"" + format + "\", \"files\": {\"weights.bin\": \""
                    + Manifest.sha256(weights) + "\"}}", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
