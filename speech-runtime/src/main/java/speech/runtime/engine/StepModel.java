package speech.runtime.engine;

import java.util.List;

/**
 * The model side of a {@link BatchScheduler}: one batched forward pass over the lanes the scheduler
 * chose. It reads and writes each lane's state in place in its own preallocated buffers, at the
 * indices {@link Lane#slots()} gives, and knows nothing of requests, deadlines or HTTP.
 *
 * @param <L> the model's lane type
 * @param <O> what one step produces per lane
 */
@FunctionalInterface
public interface StepModel<L extends Lane<O>, O> {

    /** Runs one step for these lanes; returns one output per lane, in the same order. */
    List<O> step(List<L> lanes) throws Exception;
}
