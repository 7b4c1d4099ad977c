package speech.runtime.ops;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Safe by default: a service reachable from other machines (bound to anything but loopback) refuses
 * to start without {@code speech.api-key}, since /v1 can clone voices, serve reference recordings and
 * delete everything. An operator who protects it otherwise says {@code speech.api-key.required=false}.
 */
@ApplicationScoped
public class ApiKeyRequirement {

    @ConfigProperty(name = "quarkus.http.host", defaultValue = "0.0.0.0")
    String host;

    @ConfigProperty(name = "speech.api-key")
    Optional<String> apiKey;

    @ConfigProperty(name = "speech.api-key.required", defaultValue = "true")
    boolean required;

    void onStart(@Observes StartupEvent event) {
        check(host, apiKey, required);
    }

    /** @throws IllegalStateException (startup fails) when the service would be open to the network */
    static void check(String host, Optional<String> apiKey, boolean required) {
        boolean hasKey = apiKey.map(String::strip).filter(k -> !k.isEmpty()).isPresent();
        if (hasKey || !required || loopback(host)) {
            return;
        }
        throw new IllegalStateException("refusing to start: listening on " + host + " without an API key. Set SPEECH_API_KEY, "
                + "or bind to 127.0.0.1 (QUARKUS_HTTP_HOST), or set SPEECH_API_KEY_REQUIRED=false when something else guards the service");
    }

    static boolean loopback(String host) {
        if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            // Literal addresses only: a host name is not resolved (it could name any interface).
            String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            return (literal.matches("[0-9.]+") || literal.contains(":")) && InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
