package speech.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reliability / safe by default: open to the network without a key is refused at startup. */
class ApiKeyRequirementTest {

    @Test
    void allInterfacesWithoutAKeyRefusesToStart() {
        for (String host : new String[] {"0.0.0.0", "::", "192.0.2.10", "speech.example", ""}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiKeyRequirement.check(host, Optional.empty(), true), host);
            assertTrue(e.getMessage().contains("SPEECH_API_KEY"), e.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> ApiKeyRequirement.check("0.0.0.0", Optional.of("  "), true), "a blank key is no key");
    }

    @Test
    void aKeyLoopbackOrAnExplicitOptOutStarts() {
        assertDoesNotThrow(() -> ApiKeyRequirement.check("0.0.0.0", Optional.of("k"), true));
        assertDoesNotThrow(() -> ApiKeyRequirement.check("0.0.0.0", Optional.empty(), false));
        for (String host : new String[] {"127.0.0.1", "127.3.4.5", "localhost", "::1", "[::1]"}) {
            assertTrue(ApiKeyRequirement.loopback(host), host);
            assertDoesNotThrow(() -> ApiKeyRequirement.check(host, Optional.empty(), true));
        }
        assertFalse(ApiKeyRequirement.loopback("localhost.example"));
    }
}
