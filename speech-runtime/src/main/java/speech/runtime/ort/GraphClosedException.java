package speech.runtime.ort;

import java.util.concurrent.CancellationException;

/**
 * A graph was called after its model was closed (unloaded, or the service is stopping). A
 * {@link CancellationException}: the work in progress is abandoned, nothing is wrong with the input.
 */
public final class GraphClosedException extends CancellationException {

    GraphClosedException(String graph) {
        super("graph " + graph + " is closed (its model was unloaded or the service is stopping)");
    }
}
