package speech.runtime.ort;

import ai.onnxruntime.OrtEnvironment;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * ONNX Runtime's C API function table ({@code OrtApi}), reached through the Foreign Function &amp; Memory
 * API, for what ORT's Java binding does not offer. It is the table of the library ORT Java has already
 * loaded, so its functions act on the same environment, sessions and values.
 *
 * <p>Functions are found by their position in {@code struct OrtApi} ({@code onnxruntime_c_api.h}): the
 * table only grows at its end, so a position stays valid in later versions.
 */
public final class OrtCApi {

    /** {@code const char* GetErrorMessage(const OrtStatus*)}. */
    public static final int GET_ERROR_MESSAGE = 2;
    /** {@code OrtStatus* CreateEnv(OrtLoggingLevel, const char* logid, OrtEnv** out)}. */
    public static final int CREATE_ENV = 3;

    private static final String GET_API_BASE = "OrtGetApiBase";
    /** The library's soname on Linux. */
    private static final String LIBRARY = "libonnxruntime.so.1";

    private static volatile OrtCApi instance;

    private final Linker linker = Linker.nativeLinker();
    private final MemorySegment api;
    private final String version;

    private OrtCApi() {
        OrtEnvironment.getEnvironment(); // loads the native library if nothing has yet
        try {
            MemorySegment getApiBase = lookup().find(GET_API_BASE)
                    .orElseThrow(() -> new IllegalStateException(GET_API_BASE + " not found in ONNX Runtime's library"));
            // struct OrtApiBase { const OrtApi* GetApi(uint32_t version); const char* GetVersionString(void); }
            MemorySegment base = ((MemorySegment) downcall(getApiBase, FunctionDescriptor.of(ValueLayout.ADDRESS)).invokeExact())
                    .reinterpret(2 * ValueLayout.ADDRESS.byteSize());
            MethodHandle getApi = downcall(base.get(ValueLayout.ADDRESS, 0), FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle getVersion = downcall(base.get(ValueLayout.ADDRESS, ValueLayout.ADDRESS.byteSize()), FunctionDescriptor.of(ValueLayout.ADDRESS));
            version = ((MemorySegment) getVersion.invokeExact()).reinterpret(Long.MAX_VALUE).getString(0);
            // The API version of a release is its minor version ("1.29.0" -> 29).
            int apiVersion = Integer.parseInt(version.split("\\.")[1]);
            MemorySegment table = (MemorySegment) getApi.invokeExact(apiVersion);
            if (table.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("ONNX Runtime " + version + " does not offer C API version " + apiVersion);
            }
            api = table.reinterpret(Long.MAX_VALUE);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot reach ONNX Runtime's C API: " + t, t);
        }
    }

    /** The table of the ONNX Runtime library in this process (loading it first if needed). */
    public static OrtCApi get() {
        OrtCApi api = instance;
        if (api == null) {
            synchronized (OrtCApi.class) {
                api = instance;
                if (api == null) {
                    api = new OrtCApi();
                    instance = api;
                }
            }
        }
        return api;
    }

    /** The library's version string, e.g. "1.29.0". */
    public String version() {
        return version;
    }

    /** A handle on the table's function at {@code index} with the given C signature. */
    public MethodHandle function(int index, FunctionDescriptor signature) {
        return downcall(api.getAtIndex(ValueLayout.ADDRESS, index), signature);
    }

    /** Throws with ONNX Runtime's message when {@code status} (an {@code OrtStatus*}) is not null (= OK). */
    public void check(MemorySegment status, String call) {
        if (status.equals(MemorySegment.NULL)) {
            return;
        }
        String message;
        try {
            MemorySegment text = (MemorySegment) function(GET_ERROR_MESSAGE, FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS))
                    .invokeExact(status);
            message = text.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            message = "(no message: " + t + ")";
        }
        // The OrtStatus is not released: only failures get here, and they end the caller's attempt.
        throw new IllegalStateException(call + " failed in ONNX Runtime " + version + ": " + message);
    }

    private MethodHandle downcall(MemorySegment function, FunctionDescriptor signature) {
        return linker.downcallHandle(function, signature);
    }

    /**
     * The symbols of the ONNX Runtime library ORT Java's JNI binding is linked against: its soname, which
     * the dynamic linker answers with the copy already in the process. (A JVM with two class loaders
     * holding ORT, as in tests, has two copies; both JNI copies call the first, so this one.) Where that
     * name means nothing (not Linux), the library this class loader loaded.
     */
    private static SymbolLookup lookup() {
        try {
            return SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException notThere) {
            return SymbolLookup.loaderLookup();
        }
    }
}
