package speech.runtime.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Free space a service keeps on a volume it writes to. Checked before any work is done, so a nearly
 * full disk answers 507 at once instead of losing finished audio (or the database) to a failed write.
 */
public record DiskBudget(Path dir, long minFreeBytes) {

    /** @throws ApiException 507 when less than {@code minFreeBytes} would remain */
    public void require() {
        long usable;
        try {
            Files.createDirectories(dir);
            usable = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the free space of the data volume: " + e.getMessage(), e);
        }
        if (usable < minFreeBytes) {
            throw new ApiException(507, "insufficient_storage", String.format(Locale.ROOT,
                    "the service's data volume has %.0f MiB free; it keeps %.0f MiB free, so nothing new is stored until space is freed "
                            + "(delete generations or voices)", usable / 1048576.0, minFreeBytes / 1048576.0), null, null, 60);
        }
    }
}
