package speech.runtime.ort.binding;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import speech.runtime.ort.Graph;
import speech.runtime.ort.NativeHandles;
import speech.runtime.ort.OrtCApi;
import speech.runtime.ort.OrtCApi.Fn;

/**
 * ONNX Runtime's IoBinding for one graph: inputs and outputs are bound to values once and the graph
 * runs on them, so tensors that stay bound (a K/V cache, cross-attention K/V) are neither copied
 * into Java nor moved between host and device on each call. Outputs can be bound to a preallocated
 * {@link ResidentTensor} (written in place) or to a memory place (ONNX Runtime allocates; read them
 * with {@link #outputs()}).
 *
 * <p>On a GPU, binding a CPU input copies it to the device at bind time, so a host input whose
 * contents change between runs is bound again before each run. One binding is used by one thread at a
 * time; close it before its graph.
 */
public final class IoBinding implements AutoCloseable {

    private final Graph graph;
    private final MemorySegment binding;
    /** What is bound, kept reachable while ONNX Runtime may read or write its memory. */
    private final Map<String, Object> inputs = new HashMap<>();
    /** In binding order, which is the order of GetBoundOutputValues (ORT appends a new name, replaces a bound one in place). */
    private final Map<String, Object> outputs = new LinkedHashMap<>();
    /** Names as C strings, made once: a decoder step binds some twenty of them per token. */
    private final Map<String, MemorySegment> cNames = new HashMap<>();
    private final Arena cNameArena = Arena.ofShared();
    private boolean closed;

    private IoBinding(Graph graph, MemorySegment binding) {
        this.graph = graph;
        this.binding = binding;
    }

    public static IoBinding create(Graph graph) throws OrtException {
        OrtCApi api = OrtCApi.get();
        return new IoBinding(graph, api.created(graph.withSession(s -> api.callForPointer(Fn.CreateIoBinding, NativeHandles.session(s)))));
    }

    /** Binds a tensor made by ONNX Runtime Java (its native value, no copy on the CPU). */
    public IoBinding bindInput(String name, OnnxTensorLike tensor) throws OrtException {
        return bind(Fn.BindInput, inputs, name, NativeHandles.tensor(tensor), tensor);
    }

    public IoBinding bindInput(String name, ResidentTensor tensor) throws OrtException {
        return bind(Fn.BindInput, inputs, name, tensor.value(), tensor);
    }

    /** The graph writes this output into the tensor's memory (shape and type must match). */
    public IoBinding bindOutput(String name, ResidentTensor tensor) throws OrtException {
        return bind(Fn.BindOutput, outputs, name, tensor.value(), tensor);
    }

    /** ONNX Runtime allocates this output in the given memory at each run; read it with {@link #outputs()}. */
    public IoBinding bindOutput(String name, MemoryPlace place) throws OrtException {
        return bind(Fn.BindOutputToDevice, outputs, name, place.nativeInfo(), place);
    }

    /** Runs the graph on what is bound. */
    public void run() throws OrtException {
        run(MemorySegment.NULL);
    }

    /** Runs with run options, e.g. to stop a long call with their terminate flag from another thread. */
    public void run(OrtSession.RunOptions options) throws OrtException {
        run(NativeHandles.runOptions(options));
    }

    /**
     * The bound outputs after a run, by name, as tensors the caller closes (try-with-resources). An
     * output bound to a {@link ResidentTensor} comes back as a second handle on the same memory.
     */
    public BoundOutputs outputs() throws OrtException {
        checkOpen();
        OrtCApi api = OrtCApi.get();
        MemorySegment allocator = api.defaultAllocator();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment valuesOut = arena.allocate(ADDRESS);
            MemorySegment countOut = arena.allocate(JAVA_LONG);
            api.check(Fn.GetBoundOutputValues, binding, allocator, valuesOut, countOut);
            int count = (int) countOut.get(JAVA_LONG, 0);
            if (count == 0) {
                return new BoundOutputs(Map.of());
            }
            MemorySegment values = valuesOut.get(ADDRESS, 0).reinterpret(count * ADDRESS.byteSize());
            MemorySegment[] raw = new MemorySegment[count];
            try {
                for (int i = 0; i < count; i++) {
                    raw[i] = values.getAtIndex(ADDRESS, i);
                }
            } finally {
                api.check(Fn.AllocatorFree, allocator, values);
            }
            if (count != outputs.size()) {
                for (MemorySegment value : raw) {
                    api.invoke(Fn.ReleaseValue, value);
                }
                throw new IllegalStateException("ONNX Runtime returned " + count + " bound outputs of graph " + graph.name()
                        + ", bound here: " + outputs.keySet());
            }
            Map<String, ResidentTensor> byName = new LinkedHashMap<>();
            int next = 0; // values from here on are not owned by a ResidentTensor yet
            try {
                for (Map.Entry<String, Object> bound : outputs.entrySet()) {
                    int i = next++;
                    byName.put(bound.getKey(), ResidentTensor.own(raw[i]));
                }
            } catch (OrtException | RuntimeException e) {
                new BoundOutputs(byName).close();
                for (int i = next; i < count; i++) {
                    api.invoke(Fn.ReleaseValue, raw[i]);
                }
                throw e;
            }
            return new BoundOutputs(byName);
        }
    }

    public void clearInputs() {
        checkOpen();
        OrtCApi.get().invoke(Fn.ClearBoundInputs, binding);
        inputs.clear();
    }

    public void clearOutputs() {
        checkOpen();
        OrtCApi.get().invoke(Fn.ClearBoundOutputs, binding);
        outputs.clear();
    }

    /** Waits until the bound inputs are where the graph reads them (a no-op on the CPU). */
    public void synchronizeInputs() throws OrtException {
        checkOpen();
        OrtCApi.get().check(Fn.SynchronizeBoundInputs, binding);
    }

    /** Waits until the device has finished writing the bound outputs (a no-op on the CPU). */
    public void synchronizeOutputs() throws OrtException {
        checkOpen();
        OrtCApi.get().check(Fn.SynchronizeBoundOutputs, binding);
    }

    /** Releases the native binding once; the bound tensors stay open (their owners close them). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            inputs.clear();
            outputs.clear();
            OrtCApi.get().release(Fn.ReleaseIoBinding, binding);
            cNameArena.close();
        }
    }

    private void run(MemorySegment runOptions) throws OrtException {
        checkOpen();
        graph.withSession(s -> {
            OrtCApi.get().check(() -> "RunWithBinding of graph " + graph.name(), Fn.RunWithBinding, NativeHandles.session(s), runOptions, binding);
            return null;
        });
    }

    private IoBinding bind(Fn fn, Map<String, Object> bound, String name, MemorySegment what, Object owner) throws OrtException {
        checkOpen();
        // Under the graph's guard: the binding points into the session, which must not be freed meanwhile.
        graph.withSession(s -> {
            MemorySegment cName = cNames.computeIfAbsent(name, cNameArena::allocateFrom);
            OrtCApi.get().check(() -> fn + " " + name + " of graph " + graph.name(), fn, binding, cName, what);
            return null;
        });
        bound.put(name, owner);
        return this;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the IoBinding of graph " + graph.name() + " is closed");
        }
    }
}
