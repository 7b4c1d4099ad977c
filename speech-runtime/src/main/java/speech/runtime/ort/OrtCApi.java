package speech.runtime.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * ONNX Runtime's C function table ({@code OrtApi}) reached with the Foreign Function &amp; Memory API,
 * for what ORT's Java binding does not offer (IoBinding: {@code speech.runtime.ort.binding}). It is the
 * table of the library ORT Java has loaded, so its functions act on the same sessions and values. Each entry used is
 * found by its position in {@code struct OrtApi} of {@code onnxruntime_c_api.h}; the struct only grows
 * at its end from one release to the next, so an index read from the 1.29 header holds for later
 * libraries too. Every {@code OrtStatus*} is checked here and becomes an {@link OrtException} carrying
 * ONNX Runtime's own message.
 */
public final class OrtCApi {

    /** {@code ORT_API_VERSION} of the ONNX Runtime 1.29 header: the table layout this class was written against. */
    public static final int ORT_API_VERSION = 29;

    /**
     * The entries used, each named as in the C header, with its index in {@code struct OrtApi}.
     * Status-returning entries return {@code OrtStatus*} (NULL on success).
     */
    public enum Fn {
        /** OrtErrorCode GetErrorCode(const OrtStatus* status) */
        GetErrorCode(1, FunctionDescriptor.of(JAVA_INT, ADDRESS)),
        /** const char* GetErrorMessage(const OrtStatus* status) */
        GetErrorMessage(2, FunctionDescriptor.of(ADDRESS, ADDRESS)),
        /** CreateEnv(OrtLoggingLevel, const char* logid, OrtEnv** out): one more reference on the process's environment */
        CreateEnv(3, status(JAVA_INT, ADDRESS, ADDRESS)),
        /** CreateTensorAsOrtValue(OrtAllocator*, const int64_t* shape, size_t shape_len, ONNXTensorElementDataType, OrtValue** out) */
        CreateTensorAsOrtValue(48, status(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS)),
        /** CreateTensorWithDataAsOrtValue(const OrtMemoryInfo*, void* data, size_t data_len, const int64_t* shape, size_t shape_len, type, OrtValue** out) */
        CreateTensorWithDataAsOrtValue(49, status(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS)),
        /** GetTensorMutableData(OrtValue*, void** out) */
        GetTensorMutableData(51, status(ADDRESS, ADDRESS)),
        /** GetTensorElementType(const OrtTensorTypeAndShapeInfo*, ONNXTensorElementDataType* out) */
        GetTensorElementType(60, status(ADDRESS, ADDRESS)),
        /** GetDimensionsCount(const OrtTensorTypeAndShapeInfo*, size_t* out) */
        GetDimensionsCount(61, status(ADDRESS, ADDRESS)),
        /** GetDimensions(const OrtTensorTypeAndShapeInfo*, int64_t* dim_values, size_t dim_values_length) */
        GetDimensions(62, status(ADDRESS, ADDRESS, JAVA_LONG)),
        /** GetTensorTypeAndShape(const OrtValue*, OrtTensorTypeAndShapeInfo** out) */
        GetTensorTypeAndShape(65, status(ADDRESS, ADDRESS)),
        /** CreateMemoryInfo(const char* name, OrtAllocatorType, int id, OrtMemType, OrtMemoryInfo** out) */
        CreateMemoryInfo(68, status(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)),
        /** MemoryInfoGetName(const OrtMemoryInfo*, const char** out) */
        MemoryInfoGetName(71, status(ADDRESS, ADDRESS)),
        /** MemoryInfoGetId(const OrtMemoryInfo*, int* out) */
        MemoryInfoGetId(72, status(ADDRESS, ADDRESS)),
        /** AllocatorFree(OrtAllocator*, void* p) */
        AllocatorFree(76, status(ADDRESS, ADDRESS)),
        /** GetAllocatorWithDefaultOptions(OrtAllocator** out): the process-wide CPU allocator, never released */
        GetAllocatorWithDefaultOptions(78, status(ADDRESS)),
        /** void ReleaseStatus(OrtStatus*) */
        ReleaseStatus(93, FunctionDescriptor.ofVoid(ADDRESS)),
        /** void ReleaseValue(OrtValue*) */
        ReleaseValue(96, FunctionDescriptor.ofVoid(ADDRESS)),
        /** void ReleaseTensorTypeAndShapeInfo(OrtTensorTypeAndShapeInfo*) */
        ReleaseTensorTypeAndShapeInfo(99, FunctionDescriptor.ofVoid(ADDRESS)),
        /** CreateAllocator(const OrtSession*, const OrtMemoryInfo*, OrtAllocator** out) */
        CreateAllocator(131, status(ADDRESS, ADDRESS, ADDRESS)),
        /** void ReleaseAllocator(OrtAllocator*) */
        ReleaseAllocator(132, FunctionDescriptor.ofVoid(ADDRESS)),
        /** RunWithBinding(OrtSession*, const OrtRunOptions*, const OrtIoBinding*) */
        RunWithBinding(133, status(ADDRESS, ADDRESS, ADDRESS)),
        /** CreateIoBinding(OrtSession*, OrtIoBinding** out) */
        CreateIoBinding(134, status(ADDRESS, ADDRESS)),
        /** void ReleaseIoBinding(OrtIoBinding*) */
        ReleaseIoBinding(135, FunctionDescriptor.ofVoid(ADDRESS)),
        /** BindInput(OrtIoBinding*, const char* name, const OrtValue*) */
        BindInput(136, status(ADDRESS, ADDRESS, ADDRESS)),
        /** BindOutput(OrtIoBinding*, const char* name, const OrtValue*) */
        BindOutput(137, status(ADDRESS, ADDRESS, ADDRESS)),
        /** BindOutputToDevice(OrtIoBinding*, const char* name, const OrtMemoryInfo*) */
        BindOutputToDevice(138, status(ADDRESS, ADDRESS, ADDRESS)),
        /** GetBoundOutputValues(const OrtIoBinding*, OrtAllocator*, OrtValue*** output, size_t* output_count) */
        GetBoundOutputValues(140, status(ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
        /** void ClearBoundInputs(OrtIoBinding*) */
        ClearBoundInputs(141, FunctionDescriptor.ofVoid(ADDRESS)),
        /** void ClearBoundOutputs(OrtIoBinding*) */
        ClearBoundOutputs(142, FunctionDescriptor.ofVoid(ADDRESS)),
        /** GetTensorMemoryInfo(const OrtValue*, const OrtMemoryInfo** out): owned by the value */
        GetTensorMemoryInfo(194, status(ADDRESS, ADDRESS)),
        /** SynchronizeBoundInputs(OrtIoBinding*) */
        SynchronizeBoundInputs(202, status(ADDRESS)),
        /** SynchronizeBoundOutputs(OrtIoBinding*) */
        SynchronizeBoundOutputs(203, status(ADDRESS)),
        /** const char* GetBuildInfoString(void): read once at start to check the table is the one expected */
        GetBuildInfoString(254, FunctionDescriptor.of(ADDRESS)),
        /** GetTensorSizeInBytes(const OrtValue*, size_t* size) */
        GetTensorSizeInBytes(318, status(ADDRESS, ADDRESS)),
        /** const char* GetRunConfigEntry(const OrtRunOptions*, const char* key): only the tests use it, as a position check */
        GetRunConfigEntry(373, FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

        public final int index;
        final FunctionDescriptor descriptor;

        Fn(int index, FunctionDescriptor descriptor) {
            this.index = index;
            this.descriptor = descriptor;
        }

        private static FunctionDescriptor status(MemoryLayout... arguments) {
            return FunctionDescriptor.of(ADDRESS, arguments);
        }
    }

    private static final OrtCApi INSTANCE = load();

    private final String version;
    private final MethodHandle getApi;
    /** Each entry's downcall as {@code (Object[]) Object}, spread and adapted once: invokeWithArguments redid it on every call. */
    private final MethodHandle[] entries;
    private final MemorySegment defaultAllocator;
    /** Native objects created through this class and has not released yet: lets tests see that close frees. */
    private final AtomicInteger live = new AtomicInteger();

    private OrtCApi(String version, MethodHandle getApi, MemorySegment table) throws OrtException {
        this.version = version;
        this.getApi = getApi;
        Linker linker = Linker.nativeLinker();
        this.entries = Arrays.stream(Fn.values())
                .map(fn -> spread(linker.downcallHandle(table.getAtIndex(ADDRESS, fn.index), fn.descriptor)))
                .toArray(MethodHandle[]::new);
        String buildInfo = string((MemorySegment) invoke(Fn.GetBuildInfoString));
        if (!buildInfo.startsWith("ORT Build Info")) {
            throw new IllegalStateException("ONNX Runtime " + version + ": OrtApi entry " + Fn.GetBuildInfoString.index
                    + " is not GetBuildInfoString; the table layout differs from the 1.29 header");
        }
        this.defaultAllocator = callForPointer(Fn.GetAllocatorWithDefaultOptions);
    }

    public static OrtCApi get() {
        return INSTANCE;
    }

    /** The version string of the loaded native library, e.g. {@code 1.29.0}. */
    public String version() {
        return version;
    }

    /** The table for another API version; {@link MemorySegment#NULL} when the library is older than it. */
    public MemorySegment table(int apiVersion) {
        try {
            return (MemorySegment) getApi.invokeExact(apiVersion);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    public MemorySegment defaultAllocator() {
        return defaultAllocator;
    }

    /** Calls an entry that returns {@code OrtStatus*}; a non-NULL status becomes an exception with ORT's message. */
    public void check(Fn fn, Object... arguments) throws OrtException {
        check(fn::name, fn, arguments);
    }

    /** As {@link #check(Fn, Object...)}, the message starting with {@code what} (the call and what it was about). */
    public void check(String what, Fn fn, Object... arguments) throws OrtException {
        check(() -> what, fn, arguments);
    }

    /** As {@link #check(String, Fn, Object...)}, the message made only on failure (hot calls: one bind per input per token). */
    public void check(Supplier<String> what, Fn fn, Object... arguments) throws OrtException {
        MemorySegment status = (MemorySegment) invoke(fn, arguments);
        if (!MemorySegment.NULL.equals(status)) {
            throw error(what.get(), status);
        }
    }

    /** Calls a status entry whose last parameter is a pointer out-parameter, and returns that pointer. */
    public MemorySegment callForPointer(Fn fn, Object... leading) throws OrtException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(fn, append(leading, out));
            return out.get(ADDRESS, 0);
        }
    }

    /** Calls a status entry whose last parameter is a {@code size_t*} (or {@code int64_t*}) out-parameter. */
    public long callForLong(Fn fn, Object... leading) throws OrtException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check(fn, append(leading, out));
            return out.get(JAVA_LONG, 0);
        }
    }

    /** Calls a status entry whose last parameter is an {@code int*} (or C enum) out-parameter. */
    public int callForInt(Fn fn, Object... leading) throws OrtException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check(fn, append(leading, out));
            return out.get(JAVA_INT, 0);
        }
    }

    /** Calls an entry that does not return a status (the Release* and Clear* functions, string getters). */
    public Object invoke(Fn fn, Object... arguments) {
        try {
            return (Object) entries[fn.ordinal()].invokeExact(arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(fn + " failed", e);
        }
    }

    /** Releases a native object with its Release* entry and counts it as freed. */
    public void release(Fn releaser, MemorySegment object) {
        invoke(releaser, object);
        live.decrementAndGet();
    }

    /** Counts a native object this package now owns (paired with {@link #release}). */
    public MemorySegment created(MemorySegment object) {
        live.incrementAndGet();
        return object;
    }

    public int liveObjects() {
        return live.get();
    }

    public static String string(MemorySegment cString) {
        return cString.reinterpret(Long.MAX_VALUE).getString(0);
    }

    private OrtException error(String what, MemorySegment status) {
        try {
            int code = (int) invoke(Fn.GetErrorCode, status);
            String message = string((MemorySegment) invoke(Fn.GetErrorMessage, status));
            return new OrtException(code, what + ": " + message);
        } finally {
            invoke(Fn.ReleaseStatus, status);
        }
    }

    private static MethodHandle spread(MethodHandle downcall) {
        return downcall.asSpreader(Object[].class, downcall.type().parameterCount())
                .asType(MethodType.methodType(Object.class, Object[].class));
    }

    private static Object[] append(Object[] leading, Object last) {
        Object[] all = Arrays.copyOf(leading, leading.length + 1);
        all[leading.length] = last;
        return all;
    }

    /**
     * The library ORT Java's JNI code is linked against, by its soname: the dynamic linker answers with
     * the copy already in the process. (With two class loaders holding ORT, as in Quarkus tests, two
     * copies are loaded and both JNI copies call the first; so must we.) Elsewhere than Linux, the
     * library this class loader loaded.
     */
    private static SymbolLookup library() {
        try {
            return SymbolLookup.libraryLookup("libonnxruntime.so.1", Arena.global());
        } catch (IllegalArgumentException notThere) {
            return SymbolLookup.loaderLookup();
        }
    }

    private static OrtCApi load() {
        OrtEnvironment.getEnvironment(); // loads libonnxruntime through ORT Java's own loader
        Linker linker = Linker.nativeLinker();
        MemorySegment getApiBase = library().find("OrtGetApiBase")
                .orElseThrow(() -> new IllegalStateException("OrtGetApiBase not found: is the ONNX Runtime native library loaded?"));
        try {
            MemorySegment base = ((MemorySegment) linker.downcallHandle(getApiBase, FunctionDescriptor.of(ADDRESS)).invokeExact())
                    .reinterpret(2 * ADDRESS.byteSize());
            // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t); const char* (*GetVersionString)(void); }
            MethodHandle getApi = linker.downcallHandle(base.getAtIndex(ADDRESS, 0), FunctionDescriptor.of(ADDRESS, JAVA_INT));
            MethodHandle getVersion = linker.downcallHandle(base.getAtIndex(ADDRESS, 1), FunctionDescriptor.of(ADDRESS));
            String version = string((MemorySegment) getVersion.invokeExact());
            MemorySegment table = (MemorySegment) getApi.invokeExact(ORT_API_VERSION);
            if (MemorySegment.NULL.equals(table)) {
                throw new IllegalStateException("ONNX Runtime " + version + " has no C API version " + ORT_API_VERSION + " (1.29 or later is needed)");
            }
            int size = Arrays.stream(Fn.values()).mapToInt(fn -> fn.index).max().orElseThrow() + 1;
            return new OrtCApi(version, getApi, table.reinterpret(size * ADDRESS.byteSize()));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot reach ONNX Runtime's C API", e);
        }
    }
}
