package speech.runtime.ort;

import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtSession;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The native pointers ONNX Runtime Java keeps in private {@code long nativeHandle} fields, so C API
 * calls act on the sessions, tensors and run options it created. Its jar sits on the class path (the
 * unnamed module, open to every caller), so no {@code --add-opens} is needed.
 */
public final class NativeHandles {

    private static final VarHandle SESSION = field(OrtSession.class, "nativeHandle", long.class);
    private static final VarHandle SESSION_CLOSED = field(OrtSession.class, "closed", boolean.class);
    private static final VarHandle TENSOR = field(OnnxTensorLike.class, "nativeHandle", long.class);
    private static final VarHandle RUN_OPTIONS = field(OrtSession.RunOptions.class, "nativeHandle", long.class);

    private NativeHandles() {
    }

    /** The {@code OrtSession*}; refuses a closed session (its pointer is freed). */
    public static MemorySegment session(OrtSession session) {
        if ((boolean) SESSION_CLOSED.get(session)) {
            throw new IllegalStateException("the ONNX Runtime session is closed");
        }
        return MemorySegment.ofAddress((long) SESSION.get(session));
    }

    /** The {@code OrtValue*} of a tensor; refuses a closed tensor. */
    public static MemorySegment tensor(OnnxTensorLike tensor) {
        if (tensor.isClosed()) {
            throw new IllegalStateException("the tensor is closed");
        }
        return MemorySegment.ofAddress((long) TENSOR.get(tensor));
    }

    public static MemorySegment runOptions(OrtSession.RunOptions options) {
        return MemorySegment.ofAddress((long) RUN_OPTIONS.get(options));
    }

    private static VarHandle field(Class<?> owner, String name, Class<?> type) {
        try {
            return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVarHandle(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ONNX Runtime Java has changed: " + owner.getName() + " has no " + type + " " + name, e);
        }
    }
}
