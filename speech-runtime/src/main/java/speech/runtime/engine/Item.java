package speech.runtime.engine;

import java.util.concurrent.CompletableFuture;

/**
 * A lane that runs exactly one step: the "batch of independent items" stage (encoder windows, codec
 * chunks). Items waiting together are run as one batch call; with {@code max-queue-delay} the scheduler
 * waits that long for a fuller batch, the way Triton's dynamic batcher does. Callbacks chained on
 * {@link #result()} run on the loop thread: keep them short (submitting follow-up lanes is fine).
 *
 * @param <I> the item's input
 * @param <O> what the batch call produces for it
 */
public class Item<I, O> extends Lane<O> {

    private final I input;
    private final CompletableFuture<O> result = new CompletableFuture<>();

    public Item(Job<?, ?> job, I input) {
        super(job);
        this.input = input;
    }

    public I input() {
        return input;
    }

    /** Completes with this item's output, or exceptionally when the item is dropped. */
    public CompletableFuture<O> result() {
        return result;
    }

    @Override
    protected final boolean advance(O output) {
        result.complete(output);
        return true;
    }

    @Override
    protected void dropped(Throwable reason) {
        result.completeExceptionally(reason);
    }
}
