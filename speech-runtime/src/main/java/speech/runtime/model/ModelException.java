package speech.runtime.model;

/** A model folder that cannot be used: missing files, wrong hashes, a graph with another contract. */
public class ModelException extends RuntimeException {

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
