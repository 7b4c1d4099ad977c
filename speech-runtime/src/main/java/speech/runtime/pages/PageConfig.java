package speech.runtime.pages;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.net.URI;
import java.util.Optional;

/**
 * What a service's pages read at start ({@code ui/config}): the limits to check before uploading, whether
 * /v1 wants an API key, and where the other service's page is (a link only when its URL is configured).
 *
 * @param settings the service's own part (limits, defaults)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class) // the services differ in their global naming
public record PageConfig(String service, boolean apiKeyRequired, long uploadMaxBytes, Link other, Object settings) {

    /** A link to another page; {@code url} absolute. */
    public record Link(String title, String url) {
    }

    /** The other service's page under its base URL (which may carry a path prefix); none when the URL is unset. */
    public static Link link(Optional<URI> base, String page, String title) {
        return base.map(uri -> {
            String s = uri.toString();
            return new Link(title, (s.endsWith("/") ? s : s + "/") + "ui/" + page);
        }).orElse(null);
    }
}
