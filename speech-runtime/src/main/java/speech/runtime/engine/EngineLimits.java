package speech.runtime.engine;

import java.time.Duration;

/**
 * Limits of one {@link BatchScheduler}.
 *
 * @param rows              state slots, so also the most rows one step runs; the model sizes its buffers with it
 * @param memoryBudget      bytes the running lanes' {@link Lane#cost()} may add up to (K/V)
 * @param maxLanesPerJob    lanes one job may run at once, so a long file's windows leave room for others
 * @param maxQueueDelay     how long a batch starting from idle waits to fill up (0: run at once)
 * @param queueCapacity     jobs waiting for their first lane; one more answers 429
 * @param retryAfterSeconds the Retry-After of that 429 (and of 503 on shutdown)
 */
public record EngineLimits(int rows, long memoryBudget, int maxLanesPerJob, Duration maxQueueDelay,
        int queueCapacity, int retryAfterSeconds) {

    public EngineLimits {
        require(rows >= 1, "rows must be at least 1");
        require(memoryBudget >= 0, "memory budget must not be negative");
        require(maxLanesPerJob >= 1, "max lanes per job must be at least 1");
        require(!maxQueueDelay.isNegative(), "max queue delay must not be negative");
        require(queueCapacity >= 0, "queue capacity must not be negative");
        require(retryAfterSeconds >= 0, "retry-after must not be negative");
    }

    /** {@code rows} slots, no memory limit, no per-job cap, no batching delay. */
    public static EngineLimits ofRows(int rows, int queueCapacity, int retryAfterSeconds) {
        return new EngineLimits(rows, Long.MAX_VALUE, rows, Duration.ZERO, queueCapacity, retryAfterSeconds);
    }

    public EngineLimits withMemoryBudget(long bytes) {
        return new EngineLimits(rows, bytes, maxLanesPerJob, maxQueueDelay, queueCapacity, retryAfterSeconds);
    }

    public EngineLimits withMaxLanesPerJob(int lanes) {
        return new EngineLimits(rows, memoryBudget, lanes, maxQueueDelay, queueCapacity, retryAfterSeconds);
    }

    public EngineLimits withMaxQueueDelay(Duration delay) {
        return new EngineLimits(rows, memoryBudget, maxLanesPerJob, delay, queueCapacity, retryAfterSeconds);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
