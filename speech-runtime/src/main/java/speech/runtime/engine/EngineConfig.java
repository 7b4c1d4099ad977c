package speech.runtime.engine;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithDefaults;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Scheduler limits by scheduler name, e.g. {@code speech.engine.decoder.rows=16}. A name without keys
 * gets the defaults. The queue in front (capacity, Retry-After) comes from the service's queue settings.
 */
@ConfigMapping(prefix = "speech.engine")
public interface EngineConfig {

    @WithParentName
    @WithDefaults
    Map<String, Scheduler> schedulers();

    interface Scheduler {
        /** State slots = most rows per step. */
        @WithDefault("8")
        int rows();

        /** Bytes of lane state (K/V) running at once. */
        @WithDefault("1073741824")
        long memoryBudget();

        /** Lanes one request runs at once; default: all rows. */
        Optional<Integer> maxLanesPerJob();

        /** How long a batch starting from idle waits to fill up. */
        @WithDefault("0ms")
        Duration maxQueueDelay();
    }

    default EngineLimits limits(String scheduler, int queueCapacity, int retryAfterSeconds) {
        Scheduler s = schedulers().get(scheduler);
        return new EngineLimits(s.rows(), s.memoryBudget(), s.maxLanesPerJob().orElse(s.rows()), s.maxQueueDelay(),
                queueCapacity, retryAfterSeconds);
    }
}
