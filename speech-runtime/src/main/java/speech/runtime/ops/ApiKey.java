package speech.runtime.ops;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The optional API key ({@code speech.api-key}) and the one comparison of a presented key against it. */
@ApplicationScoped
public class ApiKey {

    private final byte[] key;

    ApiKey(@ConfigProperty(name = "speech.api-key") Optional<String> apiKey) {
        this.key = apiKey.map(String::strip).filter(k -> !k.isEmpty()).map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    public boolean required() {
        return key != null;
    }

    /** In constant time; a null or blank key never matches. */
    public boolean matches(String given) {
        return key != null && given != null && MessageDigest.isEqual(key, given.strip().getBytes(StandardCharsets.UTF_8));
    }
}
