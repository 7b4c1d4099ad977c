package speech.runtime.engine;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/** Micrometer meters of one scheduler, tagged {@code engine=<name>}; without a registry, nothing. */
final class EngineMetrics {

    private final Timer queueWait;
    private final DistributionSummary rowsPerStep;

    EngineMetrics(String name, MeterRegistry registry, Supplier<EngineStats> stats) {
        if (registry == null) {
            queueWait = null;
            rowsPerStep = null;
            return;
        }
        queueWait = Timer.builder("speech_engine_queue_wait").description("time from a job's open to its first admitted lane")
                .tag("engine", name).register(registry);
        rowsPerStep = DistributionSummary.builder("speech_engine_rows_per_step").description("rows run by one step")
                .tag("engine", name).register(registry);
        gauge(registry, name, "speech_engine_queue_depth", "jobs waiting for their first lane", stats, EngineStats::queuedJobs);
        gauge(registry, name, "speech_engine_waiting_lanes", "lanes waiting for slots or memory", stats, EngineStats::waitingLanes);
        gauge(registry, name, "speech_engine_running_lanes", "lanes in the batch", stats, EngineStats::runningLanes);
        gauge(registry, name, "speech_engine_slots_in_use", "state slots held", stats, EngineStats::slotsInUse);
        gauge(registry, name, "speech_engine_memory_in_use", "bytes of lane state held", stats, EngineStats::memoryInUse);
    }

    private static void gauge(MeterRegistry registry, String engine, String meter, String description,
            Supplier<EngineStats> stats, ToDoubleFunction<EngineStats> value) {
        Gauge.builder(meter, stats, s -> value.applyAsDouble(s.get())).strongReference(true).description(description).tag("engine", engine).register(registry);
    }

    void queueWait(long nanos) {
        if (queueWait != null) {
            queueWait.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void step(int rows) {
        if (rowsPerStep != null) {
            rowsPerStep.record(rows);
        }
    }
}
