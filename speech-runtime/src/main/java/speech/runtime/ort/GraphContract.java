package speech.runtime.ort;

import java.util.Set;

/**
 * What one graph takes and gives, declared once by the wrapper that calls it: the role name (also
 * the graph's key in the manifest), the exact set of input names and the outputs it reads. Checked
 * against the session when the graph is opened, so an export with another contract fails at load.
 */
public record GraphContract(String name, Set<String> inputs, Set<String> outputs) {

    public GraphContract {
        inputs = Set.copyOf(inputs);
        outputs = Set.copyOf(outputs);
    }
}
