package speech.runtime.http;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import speech.runtime.config.RuntimeConfig;

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

    /** Free space the upload folder keeps beyond the upload itself (64 MiB). */
    static final String MIN_FREE_DEFAULT = "67108864";

    private static final Logger LOG = Logger.getLogger(UploadDir.class);
    /** Files.createTempFile(dir, "resteasy-reactive", "upload") in the multipart parser of Quarkus REST. */
    static final String PREFIX = "resteasy-reactive";
    static final String SUFFIX = "upload";

    private final Path dir;
    private final Duration orphanMinAge;
    private final long minFreeBytes;
    private final long maxUploadBytes;

    @Inject
    UploadDir(@ConfigProperty(name = "quarkus.http.body.uploads-directory") String dir,
              @ConfigProperty(name = "speech.upload.orphan-min-age", defaultValue = "1h") Duration orphanMinAge,
              @ConfigProperty(name = "speech.upload.min-free-bytes", defaultValue = MIN_FREE_DEFAULT) long minFreeBytes,
              RuntimeConfig config) {
        this.dir = Path.of(dir);
        this.orphanMinAge = orphanMinAge;
        this.minFreeBytes = minFreeBytes;
        this.maxUploadBytes = config.upload().maxBytes() + UploadLimit.ENVELOPE_BYTES;
    }

    /** For the sweep alone. */
    UploadDir(String dir, Duration orphanMinAge) {
        this.dir = Path.of(dir);
        this.orphanMinAge = orphanMinAge;
        this.minFreeBytes = 0;
        this.maxUploadBytes = 0;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::requireSpace);
    }

    /**
     * A full upload volume answers 507 from the headers, before the body is read: a multipart upload needs its
     * declared length (the limit when chunked) plus {@code speech.upload.min-free-bytes} free in the folder. Else the
     * parser would fail half-way through writing it, and the client would be told its body was malformed.
     */
    private void requireSpace(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (!"POST".equals(ctx.request().method().name()) || !ctx.normalizedPath().startsWith(UploadLimit.PATH_PREFIX)
                || type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            ctx.next();
            return;
        }
        long declared = UploadLimit.parse(ctx.request().getHeader("Content-Length"));
        long needed = (declared < 0 ? maxUploadBytes : declared) + minFreeBytes;
        long usable;
        try {
            Files.createDirectories(dir);
            usable = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            ctx.next(); // the parser will report what is wrong with the folder
            return;
        }
        if (usable >= needed) {
            ctx.next();
            return;
        }
        String message = String.format(Locale.ROOT, "the service's upload volume has %.0f MiB free; this upload needs %.0f MiB "
                + "and the service keeps %.0f MiB free: retry later", usable / 1048576.0, (needed - minFreeBytes) / 1048576.0,
                minFreeBytes / 1048576.0);
        ctx.response().setStatusCode(507).putHeader("Content-Type", "application/json").putHeader("Retry-After", "60");
        BoundedDrain.thenAnswer(ctx, Json.encode(ApiError.of(507, "insufficient_storage", message, null, null)));
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
