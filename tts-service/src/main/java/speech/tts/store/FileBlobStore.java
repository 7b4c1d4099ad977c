package speech.tts.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Blobs as files under one root folder (the key is the relative path), written through
 * {@link AtomicFiles}. Their leftover temp files are listed too, so recovery removes them.
 */
public final class FileBlobStore implements BlobStore {

    private final Path root;

    public FileBlobStore(Path root) {
        this.root = root;
    }

    @Override
    public void put(String key, Path source, Runnable beforeVisible) {
        AtomicFiles.copy(source, file(key), beforeVisible);
    }

    @Override
    public void put(String key, byte[] data) {
        AtomicFiles.write(file(key), data);
    }

    @Override
    public Optional<InputStream> open(String key) {
        try {
            return Optional.of(Files.newInputStream(file(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void delete(String key) {
        Path file = file(key);
        AtomicFiles.deleteIfExists(file);
        AtomicFiles.fsyncDirectory(file.getParent());
    }

    @Override
    public List<Blob> list(String folder) {
        Path dir = file(folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> new Blob(root.relativize(f).toString().replace('\\', '/'), modified(f)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String key) {
        return root.resolve(key);
    }

    private static Instant modified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
