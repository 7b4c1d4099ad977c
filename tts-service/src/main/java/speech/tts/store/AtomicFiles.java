package speech.tts.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Crash-safe file writes: data goes to a hidden temp name in the target folder, is fsynced, renamed
 * atomically over the final name and the folder is fsynced. A reader therefore sees either nothing
 * or the whole file; a leftover temp file is garbage that {@link #isTemp} lets recovery remove.
 */
public final class AtomicFiles {

    private static final String TEMP_MARK = ".tmp-";

    private AtomicFiles() {
    }

    public static void write(Path target, byte[] data) {
        write(target, () -> { }, out -> out.write(ByteBuffer.wrap(data)));
    }

    public static void copy(Path source, Path target) {
        copy(source, target, () -> { });
    }

    /** As {@link #copy(Path, Path)}; {@code beforeRename} runs once the temp file is complete (fault-injection point). */
    public static void copy(Path source, Path target, Runnable beforeRename) {
        write(target, beforeRename, out -> {
            try (InputStream in = Files.newInputStream(source)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(ByteBuffer.wrap(buffer, 0, n));
                }
            }
        });
    }

    public static boolean isTemp(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") && name.contains(TEMP_MARK);
    }

    public static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes renames and deletions in {@code dir} durable. */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for reading; the rename is still atomic.
        }
    }

    private interface Writer {
        void writeTo(FileChannel out) throws IOException;
    }

    private static void write(Path target, Runnable beforeRename, Writer writer) {
        Path dir = target.getParent();
        Path temp = dir.resolve("." + target.getFileName() + TEMP_MARK + UUID.randomUUID());
        try {
            Files.createDirectories(dir);
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writer.writeTo(out);
                out.force(true);
            }
            beforeRename.run();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDirectory(dir);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // Recovery removes it at the next start.
            }
            throw new UncheckedIOException(e);
        }
    }
}
