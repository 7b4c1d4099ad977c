package speech.runtime.http;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The folder multipart uploads are spooled to ({@code speech.upload.dir}, Quarkus'
 * {@code quarkus.http.body.uploads-directory}; default {@code <java.io.tmpdir>/speech-uploads-<service>}), apart from
 * the data volume, and its cleanup. A request deletes its own upload when it ends; a process killed mid-request
 * leaves it behind. At startup, spooled files older than {@code speech.upload.orphan-min-age} are removed: this
 * process has no request yet, and no other replica's request lives that long (its deadline is
 * {@code speech.queue.timeout}), so the sweep is safe when several replicas share the folder; 0 removes all. Only files with the
 * parser's own name pattern are touched, so pointing the setting at a shared folder such as /tmp deletes nothing else.
 */
@ApplicationScoped
public class UploadDir {

    private static final Logger LOG = Logger.getLogger(UploadDir.class);
    /** Files.createTempFile(dir, "resteasy-reactive", "upload") in the multipart parser of Quarkus REST. */
    static final String PREFIX = "resteasy-reactive";
    static final String SUFFIX = "upload";

    private final Path dir;
    private final Duration orphanMinAge;

    UploadDir(@ConfigProperty(name = "quarkus.http.body.uploads-directory") String dir,
              @ConfigProperty(name = "speech.upload.orphan-min-age", defaultValue = "1h") Duration orphanMinAge) {
        this.dir = Path.of(dir);
        this.orphanMinAge = orphanMinAge;
    }

    public static Path defaultDir(String service) {
        return Path.of(System.getProperty("java.io.tmpdir"), "speech-uploads-" + service);
    }

    public Path dir() {
        return dir;
    }

    void onStart(@Observes StartupEvent event) {
        sweep(Instant.now().minus(orphanMinAge));
    }

    /** Removes spooled uploads last written before {@code cutoff}; the number removed. */
    public int sweep(Instant cutoff) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path file : files) {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                if (a.isRegularFile() && !a.lastModifiedTime().toInstant().isAfter(cutoff) && Files.deleteIfExists(file)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            // A sweep that fails is retried by the next one; it must not stop the service.
            LOG.warnf("upload folder sweep failed: %s", e.getMessage());
        }
        if (removed > 0) {
            LOG.infof("removed %d upload file(s) left by an interrupted request (older than %s)", removed, orphanMinAge);
        }
        return removed;
    }
}
