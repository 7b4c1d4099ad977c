package speech.runtime.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One ONNX Runtime session. Inputs and outputs are addressed by the graph's own names; a missing
 * or unexpected name fails before the run with a message naming the graph.
 */
public final class Graph implements AutoCloseable {

    private final String name;
    private final OrtSession session;
    private final OrtSession.SessionOptions options;

    Graph(String name, OrtSession session, OrtSession.SessionOptions options) {
        this.name = name;
        this.session = session;
        this.options = options;
    }

    public String name() {
        return name;
    }

    /**
     * The session itself, for the IoBinding layer ({@code speech.runtime.ort.binding}) only; everything
     * else runs the graph through {@link #run}.
     */
    public OrtSession session() {
        return session;
    }

    public Set<String> inputNames() throws OrtException {
        return session.getInputNames();
    }

    public Set<String> outputNames() throws OrtException {
        return session.getOutputNames();
    }

    /** Input metadata by name (dtype and shape; dynamic axes are -1). */
    public Map<String, NodeInfo> inputInfo() throws OrtException {
        return session.getInputInfo();
    }

    /** Graph inputs as {@code name: dtype[shape]} for logs and error messages. */
    public String describe() throws OrtException {
        return describe(session.getInputInfo()) + " -> " + describe(session.getOutputInfo());
    }

    /**
     * Checks that the graph has exactly these inputs and at least these outputs, so a model
     * exported with another contract fails at load time rather than mid-request.
     */
    public Graph expect(Set<String> inputs, Set<String> outputs) throws OrtException {
        if (!session.getInputNames().equals(inputs) || !session.getOutputNames().containsAll(outputs)) {
            throw new IllegalStateException("graph " + name + " has " + describe()
                    + "; expected inputs " + inputs + " and outputs " + outputs);
        }
        return this;
    }

    /** Runs the graph; the caller closes the {@link OrtSession.Result} (try-with-resources). */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs) throws OrtException {
        return session.run(inputs);
    }

    /** Runs the graph computing only the named outputs. */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs, Set<String> outputs) throws OrtException {
        return session.run(inputs, outputs);
    }

    @Override
    public void close() throws OrtException {
        try {
            session.close();
        } finally {
            options.close();
        }
    }

    private static String describe(Map<String, NodeInfo> infos) {
        return infos.values().stream().map(n -> n.getName() + ":" + shapeOf(n)).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String shapeOf(NodeInfo n) {
        return n.getInfo() instanceof TensorInfo t ? t.type + java.util.Arrays.toString(t.getShape()) : n.getInfo().toString();
    }
}
