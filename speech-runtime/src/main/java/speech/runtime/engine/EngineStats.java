package speech.runtime.engine;

/**
 * A snapshot of one scheduler for {@code /v1/info} and the metrics, taken at its last step boundary.
 *
 * @param queuedJobs      jobs opened here with no lane admitted yet (what the 429 bounds)
 * @param waitingLanes    lanes waiting for slots or memory
 * @param lastStepRows    rows in the last step
 * @param meanRowsPerStep rows per step since start
 */
public record EngineStats(String name, int rows, long memoryBudget, int queuedJobs, int waitingLanes, int runningLanes,
        int slotsInUse, long memoryInUse, long steps, int lastStepRows, double meanRowsPerStep) {
}
