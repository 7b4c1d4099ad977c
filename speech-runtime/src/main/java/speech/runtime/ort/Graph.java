package speech.runtime.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One ONNX Runtime session bound to its {@link GraphContract}. The contract is checked when the graph
 * opens and every call's input names against it, so a wrong name fails before the run with a message
 * naming the graph. The graph guards its own lifetime: {@link #close} waits for the calls running on
 * other threads before it frees the session, and a call after the close throws
 * {@link GraphClosedException}.
 */
public final class Graph implements AutoCloseable {

    private final String name;
    private final GraphContract contract;
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final CallGuard guard;

    /** Takes ownership of the session and its options; checks the contract (and throws) before anything runs. */
    Graph(String name, GraphContract contract, OrtSession session, OrtSession.SessionOptions options) throws OrtException {
        this.name = name;
        this.contract = contract;
        this.session = session;
        this.options = options;
        this.guard = new CallGuard(name);
        if (!session.getInputNames().equals(contract.inputs()) || !session.getOutputNames().containsAll(contract.outputs())) {
            throw new IllegalStateException("graph " + name + " has " + describe() + "; expected inputs "
                    + contract.inputs() + " and outputs " + contract.outputs());
        }
    }

    /** The file it was opened from, e.g. {@code encoder.onnx}. */
    public String name() {
        return name;
    }

    public GraphContract contract() {
        return contract;
    }

    /** Input metadata by name (dtype and shape; dynamic axes are -1). */
    public Map<String, NodeInfo> inputInfo() throws OrtException {
        return guard.call(session::getInputInfo);
    }

    /** Graph inputs and outputs as {@code name:dtype[shape]} for logs and error messages. */
    public String describe() throws OrtException {
        return guard.call(() -> describe(session.getInputInfo()) + " -> " + describe(session.getOutputInfo()));
    }

    /** Runs the graph; the caller closes the {@link OrtSession.Result} (try-with-resources). */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs) throws OrtException {
        checkInputs(inputs);
        return guard.call(() -> session.run(inputs));
    }

    /** Runs the graph computing only the named outputs. */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs, Set<String> outputs) throws OrtException {
        checkInputs(inputs);
        return guard.call(() -> session.run(inputs, outputs));
    }

    /** Runs the graph with run options: their terminate flag, set from another thread, stops a long call. */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs, OrtSession.RunOptions options) throws OrtException {
        checkInputs(inputs);
        return guard.call(() -> session.run(inputs, options));
    }

    /**
     * A native call on the session itself, for the IoBinding layer ({@code speech.runtime.ort.binding})
     * only, under the same lifetime guard as {@link #run}; everything else runs the graph through {@link #run}.
     */
    public <T> T withSession(SessionCall<T> call) throws OrtException {
        return guard.call(() -> call.apply(session));
    }

    @FunctionalInterface
    public interface SessionCall<T> {
        T apply(OrtSession session) throws OrtException;
    }

    /** Waits for the calls in flight, then frees the session; idempotent. */
    @Override
    public void close() throws OrtException {
        guard.close(() -> {
            try {
                session.close();
            } finally {
                options.close();
            }
        });
    }

    private void checkInputs(Map<String, ?> inputs) {
        if (!inputs.keySet().equals(contract.inputs())) {
            throw new IllegalArgumentException("graph " + name + " takes inputs " + contract.inputs() + ", was given " + inputs.keySet());
        }
    }

    private static String describe(Map<String, NodeInfo> infos) {
        return infos.values().stream().map(n -> n.getName() + ":" + shapeOf(n)).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String shapeOf(NodeInfo n) {
        return n.getInfo() instanceof TensorInfo t ? t.type + Arrays.toString(t.getShape()) : n.getInfo().toString();
    }
}
