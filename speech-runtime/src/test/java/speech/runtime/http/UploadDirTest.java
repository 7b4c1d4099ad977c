package speech.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload folder sweep removes only what an interrupted request left: spooled uploads older than the grace
 * period. A young upload (another replica's request in progress) and files that are not uploads stay.
 */
class UploadDirTest {

    @TempDir
    Path dir;

    @Test
    void onlyOldSpooledUploadsAreRemoved() throws Exception {
        Instant now = Instant.now();
        Path orphan = spooled("resteasy-reactive123upload", now.minus(Duration.ofHours(2)));
        Path inProgress = spooled("resteasy-reactive456upload", now.minus(Duration.ofMinutes(5)));
        Path foreign = spooled("someone-elses.log", now.minus(Duration.ofDays(3)));
        UploadDir uploads = new UploadDir(dir.toString(), Duration.ofHours(1));

        assertEquals(1, uploads.sweep(now.minus(Duration.ofHours(1))));
        assertFalse(Files.exists(orphan), "an upload older than the grace period is an orphan");
        assertTrue(Files.exists(inProgress), "a young upload may belong to a request still running");
        assertTrue(Files.exists(foreign), "files that are not spooled uploads are never touched");
    }

    @Test
    void aMissingFolderIsNoError() {
        assertEquals(0, new UploadDir(dir.resolve("absent").toString(), Duration.ofHours(1)).sweep(Instant.now()));
    }

    private Path spooled(String name, Instant modified) throws Exception {
        Path f = Files.write(dir.resolve(name), new byte[] {1, 2, 3});
        Files.setLastModifiedTime(f, FileTime.from(modified));
        return f;
    }
}
