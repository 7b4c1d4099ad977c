package speech.runtime.ort.binding;

import java.util.Map;
import java.util.Set;

/** The outputs of a bound run by name; closing it releases every one (try-with-resources). */
public final class BoundOutputs implements AutoCloseable {

    private final Map<String, ResidentTensor> byName;

    BoundOutputs(Map<String, ResidentTensor> byName) {
        this.byName = byName;
    }

    public ResidentTensor get(String name) {
        ResidentTensor tensor = byName.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("no bound output " + name + "; bound: " + byName.keySet());
        }
        return tensor;
    }

    public Set<String> names() {
        return byName.keySet();
    }

    @Override
    public void close() {
        byName.values().forEach(ResidentTensor::close);
    }
}
