package speech.runtime.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;
import speech.runtime.http.UploadDir;
import speech.runtime.http.UploadLimit;

/**
 * Quarkus' own body settings derived from {@code speech.upload.*}, so one setting governs an upload:
 * <ul>
 *   <li>{@code quarkus.http.limits.max-body-size} = {@code speech.upload.max-bytes} + the multipart envelope allowance.
 *       The multipart parser counts against it while the body streams in, so a chunked upload (no Content-Length)
 *       is refused with 413 once it passes the limit instead of being spooled to disk up to a far larger bound;
 *       a declared Content-Length over it was already answered by {@link UploadLimit} from the headers.</li>
 *   <li>{@code quarkus.http.body.uploads-directory} = {@code speech.upload.dir}: spooled uploads on their own volume.</li>
 * </ul>
 * Ordinal 50, below every properties file: an explicit {@code quarkus.http.*} setting still wins.
 */
public class DerivedHttpLimits implements ConfigSourceFactory {

    static final int ORDINAL = 50;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        long maxBytes = Long.parseLong(value(context, "speech.upload.max-bytes", Long.toString(UploadLimit.DEFAULT_MAX_BYTES)));
        String dir = value(context, "speech.upload.dir", UploadDir.defaultDir(value(context, "speech.service.name", "speech")).toString());
        return List.of(new PropertiesConfigSource(Map.of(
                "quarkus.http.limits.max-body-size", Long.toString(maxBytes + UploadLimit.ENVELOPE_BYTES),
                "quarkus.http.body.uploads-directory", dir), "speech-derived-http-limits", ORDINAL));
    }

    private static String value(ConfigSourceContext context, String key, String fallback) {
        ConfigValue v = context.getValue(key);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? fallback : v.getValue().strip();
    }
}
