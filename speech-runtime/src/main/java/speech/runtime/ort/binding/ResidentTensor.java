package speech.runtime.ort.binding;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import ai.onnxruntime.OrtException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import speech.runtime.ort.Graph;
import speech.runtime.ort.NativeHandles;
import speech.runtime.ort.OrtCApi;
import speech.runtime.ort.OrtCApi.Fn;

/**
 * A tensor of fixed shape that stays where it was made (an {@code OrtValue}) between graph calls:
 * allocated once, bound as input or output of any number of runs, written in place, released once by
 * {@link #close}. On the CPU Java reads and writes it through {@link #segment()} without a copy; on a
 * GPU it is device memory that only graphs touch.
 *
 * <p>A {@link #slice} is a view of rows of another tensor (same memory, no copy); it must be closed
 * before the tensor it views.
 */
public final class ResidentTensor implements AutoCloseable {

    private final MemorySegment value;
    private final MemoryPlace place;
    private final ElementType type;
    private final long[] shape;
    private final MemorySegment data;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ResidentTensor(MemorySegment value, MemoryPlace place, ElementType type, long[] shape, MemorySegment data, Runnable release) {
        this.value = value;
        this.place = place;
        this.type = type;
        this.shape = shape;
        this.data = data;
        this.release = release;
    }

    /**
     * Allocates a tensor in the given memory with ONNX Runtime's allocator for it: the process-wide
     * CPU allocator, or on a GPU the graph's session allocator (the graph must outlive the tensor).
     * The contents are undefined until written.
     */
    public static ResidentTensor allocate(Graph graph, MemoryPlace place, ElementType type, long... shape) throws OrtException {
        OrtCApi api = OrtCApi.get();
        if (place.hostAccessible()) {
            MemorySegment value = createTensor(api, api.defaultAllocator(), type, shape);
            return adopt(api, value, place, type, shape, () -> api.release(Fn.ReleaseValue, value));
        }
        // CUDA only: device memory from the session's allocator for that device.
        MemorySegment allocator = api.created(graph.withSession(s -> api.callForPointer(Fn.CreateAllocator,
                NativeHandles.session(s), place.nativeInfo())));
        MemorySegment value;
        try {
            value = createTensor(api, allocator, type, shape);
        } catch (OrtException | RuntimeException e) {
            api.release(Fn.ReleaseAllocator, allocator);
            throw e;
        }
        return adopt(api, value, place, type, shape, () -> {
            api.release(Fn.ReleaseValue, value);
            api.release(Fn.ReleaseAllocator, allocator); // after the value: it frees into this allocator
        });
    }

    /**
     * Wraps Java-owned off-heap CPU memory as a tensor without copying it. The memory must stay alive
     * (its arena open) until this tensor is closed and no binding uses it.
     */
    public static ResidentTensor wrap(MemorySegment memory, ElementType type, long... shape) throws OrtException {
        long bytes = elementCount(shape) * type.bytes;
        if (!memory.isNative() || memory.byteSize() < bytes) {
            throw new IllegalArgumentException("wrap needs " + bytes + " bytes of native memory for " + type + Arrays.toString(shape)
                    + ", was given " + memory);
        }
        return view(OrtCApi.get(), MemoryPlace.cpu(), memory.asSlice(0, bytes), type, shape);
    }

    /**
     * Rows {@code [start, start + count)} of axis 0 as a tensor of shape {@code [count, ...]} over the
     * same memory: bind it as the output of a graph that computes only those rows, and they are
     * written straight into this tensor.
     */
    public ResidentTensor slice(long start, long count) throws OrtException {
        checkOpen();
        if (shape.length == 0 || start < 0 || count < 1 || start + count > shape[0]) {
            throw new IllegalArgumentException("rows [" + start + ", " + (start + count) + ") are outside " + type + Arrays.toString(shape));
        }
        long[] sliceShape = shape.clone();
        sliceShape[0] = count;
        long rowBytes = elementCount(shape) / shape[0] * type.bytes;
        MemorySegment sliceData = place.hostAccessible()
                ? data.asSlice(start * rowBytes, count * rowBytes)
                : MemorySegment.ofAddress(data.address() + start * rowBytes); // device pointer: address arithmetic only
        return view(OrtCApi.get(), place, sliceData, type, sliceShape);
    }

    /**
     * Copies another CPU tensor of the same type and shape into this one. Copies that involve a device
     * go through a graph: bind the source as an input and this tensor as the output. (ONNX Runtime
     * 1.29's CopyTensors knows only the data transfers of execution providers registered as plugin
     * libraries; with the built-in providers it answers "not found", even from CPU to CPU.)
     */
    public void copyFrom(ResidentTensor source) {
        if (source.type != type || !Arrays.equals(source.shape, shape)) {
            throw new IllegalArgumentException("cannot copy " + source + " into " + this);
        }
        segment().copyFrom(source.segment());
    }

    /** The tensor's memory as a Java view (no copy); only for memory the CPU can reach. */
    public MemorySegment segment() {
        checkOpen();
        if (!place.hostAccessible()) {
            throw new IllegalStateException(this + " is device memory: bind it as a graph input or output to move data in or out");
        }
        return data;
    }

    /** Writes floats at an element offset (CPU memory). */
    public void write(long elementOffset, float[] values) {
        MemorySegment.copy(values, 0, segment(), JAVA_FLOAT, elementOffset * Float.BYTES, values.length);
    }

    /** All elements as floats (CPU memory). */
    public float[] toFloatArray() {
        return segment().toArray(JAVA_FLOAT);
    }

    /** The address of the first element: the same for as long as the tensor lives. */
    public long address() {
        return data.address();
    }

    public long byteSize() {
        return elementCount(shape) * type.bytes;
    }

    public MemoryPlace place() {
        return place;
    }

    public ElementType type() {
        return type;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** The {@code OrtValue*}, for binding. */
    MemorySegment value() {
        checkOpen();
        return value;
    }

    /** Releases the native value (and its allocator) once; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }

    @Override
    public String toString() {
        return type + Arrays.toString(shape) + "@" + place.name() + ":" + place.deviceId();
    }

    /** Takes ownership of a value ONNX Runtime returned (a bound output), reading its type, shape and place. */
    static ResidentTensor own(MemorySegment value) throws OrtException {
        OrtCApi api = OrtCApi.get();
        api.created(value);
        Runnable release = () -> api.release(Fn.ReleaseValue, value);
        MemoryPlace place;
        ElementType type;
        long[] shape;
        try {
            MemorySegment memoryInfo = api.callForPointer(Fn.GetTensorMemoryInfo, value);
            place = new MemoryPlace(OrtCApi.string(api.callForPointer(Fn.MemoryInfoGetName, memoryInfo)),
                    api.callForInt(Fn.MemoryInfoGetId, memoryInfo));
            MemorySegment info = api.callForPointer(Fn.GetTensorTypeAndShape, value);
            try (Arena arena = Arena.ofConfined()) {
                type = ElementType.ofOnnx(api.callForInt(Fn.GetTensorElementType, info));
                shape = new long[(int) api.callForLong(Fn.GetDimensionsCount, info)];
                MemorySegment dims = arena.allocate(JAVA_LONG, Math.max(1, shape.length));
                api.check(Fn.GetDimensions, info, dims, (long) shape.length);
                MemorySegment.copy(dims, JAVA_LONG, 0, shape, 0, shape.length);
            } finally {
                api.invoke(Fn.ReleaseTensorTypeAndShapeInfo, info);
            }
        } catch (OrtException | RuntimeException e) {
            release.run();
            throw e;
        }
        return adopt(api, value, place, type, shape, release);
    }

    private static MemorySegment createTensor(OrtCApi api, MemorySegment allocator, ElementType type, long[] shape) throws OrtException {
        try (Arena arena = Arena.ofConfined()) {
            return api.created(api.callForPointer(Fn.CreateTensorAsOrtValue, allocator, dims(arena, shape), (long) shape.length, type.onnxCode));
        }
    }

    /** A value over memory someone else owns: releasing it leaves the memory alone. */
    private static ResidentTensor view(OrtCApi api, MemoryPlace place, MemorySegment memory, ElementType type, long[] shape) throws OrtException {
        MemorySegment value;
        try (Arena arena = Arena.ofConfined()) {
            value = api.created(api.callForPointer(Fn.CreateTensorWithDataAsOrtValue, place.nativeInfo(), memory,
                    elementCount(shape) * type.bytes, dims(arena, shape), (long) shape.length, type.onnxCode));
        }
        return new ResidentTensor(value, place, type, shape.clone(), memory, () -> api.release(Fn.ReleaseValue, value));
    }

    /** Wraps a value whose memory it owns: finds the data pointer and checks the size ONNX Runtime reports. */
    private static ResidentTensor adopt(OrtCApi api, MemorySegment value, MemoryPlace place, ElementType type, long[] shape, Runnable release)
            throws OrtException {
        try {
            long bytes = api.callForLong(Fn.GetTensorSizeInBytes, value);
            if (bytes != elementCount(shape) * type.bytes) {
                throw new IllegalStateException("ONNX Runtime reports " + bytes + " bytes for " + type + Arrays.toString(shape));
            }
            MemorySegment pointer = api.callForPointer(Fn.GetTensorMutableData, value);
            MemorySegment data = place.hostAccessible() ? pointer.reinterpret(bytes) : pointer;
            return new ResidentTensor(value, place, type, shape.clone(), data, release);
        } catch (OrtException | RuntimeException e) {
            release.run();
            throw e;
        }
    }

    private static MemorySegment dims(Arena arena, long[] shape) {
        return shape.length == 0 ? MemorySegment.NULL : arena.allocateFrom(JAVA_LONG, shape);
    }

    private static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("a resident tensor needs a fixed shape, got " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
    }
}
