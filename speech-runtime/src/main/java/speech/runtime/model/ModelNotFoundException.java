package speech.runtime.model;

import java.util.List;

/** A request named a model that is not on disk; the runtime's mappers answer 404 with the ones that are. */
public class ModelNotFoundException extends RuntimeException {

    private final List<String> available;

    public ModelNotFoundException(String id, List<String> available) {
        super("model '" + id + "' does not exist; available: " + String.join(", ", available));
        this.available = List.copyOf(available);
    }

    public List<String> available() {
        return available;
    }
}
