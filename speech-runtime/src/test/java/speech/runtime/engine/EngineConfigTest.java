package speech.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineConfigTest {

    @Test
    void limitsPerSchedulerNameWithDefaultsForTheRest() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(EngineConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter()) // Quarkus's "5ms" syntax
                .withSources(new PropertiesConfigSource(Map.of(
                        "speech.engine.decoder.rows", "16",
                        "speech.engine.decoder.max-queue-delay", "5ms",
                        "speech.engine.decoder.max-lanes-per-job", "4"), "test", 100))
                .build();
        EngineConfig engine = config.getConfigMapping(EngineConfig.class);

        EngineLimits decoder = engine.limits("decoder", 8, 3);
        assertEquals(new EngineLimits(16, 1L << 30, 4, Duration.ofMillis(5), 8, 3), decoder);
        assertEquals(new EngineLimits(8, 1L << 30, 8, Duration.ZERO, 2, 1), engine.limits("encoder", 2, 1));
    }
}
