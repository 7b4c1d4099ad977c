package speech.runtime.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Every folder with a manifest.json under the models directory is a model whose id is the folder
 * name. Models load on first use and stay warm; a load failure is not cached, so fixing the folder
 * and retrying works without a restart.
 */
public final class ModelDirectory<M extends AutoCloseable> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ModelDirectory.class);

    private final Path root;
    private final Function<Manifest, M> loader;
    private final Map<String, M> loaded = new ConcurrentHashMap<>();

    public ModelDirectory(Path root, Function<Manifest, M> loader) {
        this.root = root;
        this.loader = loader;
    }

    public Path root() {
        return root;
    }

    /** Model ids on disk now, sorted. */
    public List<String> ids() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Manifest::isModelDir).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    public boolean exists(String id) {
        return isSafeId(id) && Manifest.isModelDir(root.resolve(id));
    }

    /** The loaded model, loading it now if needed; empty when no such folder exists. */
    public Optional<M> get(String id) {
        if (!exists(id)) {
            return Optional.empty();
        }
        return Optional.of(loaded.computeIfAbsent(id, this::load));
    }

    private M load(String id) {
        Manifest manifest = Manifest.read(root.resolve(id)).verifyFiles();
        manifest.license().nonCommercialNotice(id).ifPresent(LOG::warn);  // a deployer must not miss it
        return loader.apply(manifest);
    }

    /** Already loaded models only, without triggering a load. */
    public Map<String, M> loaded() {
        return Map.copyOf(loaded);
    }

    public boolean isLoaded(String id) {
        return loaded.containsKey(id);
    }

    @Override
    public void close() throws Exception {
        for (M model : loaded.values()) {
            model.close();
        }
        loaded.clear();
    }

    // Ids come from URLs and form fields: only plain folder names, never a path.
    private static boolean isSafeId(String id) {
        return id != null && !id.isBlank() && id.length() <= 128 && id.matches("[A-Za-z0-9._-]+") && !id.startsWith(".");
    }
}
