package speech.runtime.ort.binding;

import ai.onnxruntime.OrtException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import speech.runtime.ort.OrtCApi;
import speech.runtime.ort.OrtSessions;

/**
 * Where a tensor's memory lives, named as ONNX Runtime names its memory infos: {@code Cpu}, or
 * {@code Cuda} with a device ordinal. The one place that maps the execution provider in use to it.
 *
 * @param name     ONNX Runtime's memory info name
 * @param deviceId device ordinal (0 on the CPU)
 */
public record MemoryPlace(String name, int deviceId) {

    private static final String CPU = "Cpu";
    private static final String CUDA = "Cuda";
    /** OrtAllocatorType OrtDeviceAllocator and OrtMemType OrtMemTypeDefault: the provider's own memory. */
    private static final int DEVICE_ALLOCATOR = 0;
    private static final int MEM_TYPE_DEFAULT = 0;
    /** One OrtMemoryInfo per place, kept for the life of the process (a handful, like the environment). */
    private static final Map<MemoryPlace, MemorySegment> NATIVE = new ConcurrentHashMap<>();

    public static MemoryPlace cpu() {
        return new MemoryPlace(CPU, 0);
    }

    public static MemoryPlace cuda(int deviceId) {
        return new MemoryPlace(CUDA, deviceId);
    }

    /** The memory the graphs of these sessions run in: the CUDA device when CUDA was chosen, else the CPU. */
    public static MemoryPlace of(OrtSessions sessions) {
        String provider = sessions.providerInUse();
        if (provider == null) {
            throw new IllegalStateException("no graph has been opened yet, so no execution provider is chosen");
        }
        return "CUDAExecutionProvider".equals(provider) ? cuda(sessions.settings().deviceId()) : cpu();
    }

    /** True when Java can read and write the memory directly (a {@link java.lang.foreign.MemorySegment} view). */
    public boolean hostAccessible() {
        return CPU.equals(name) || "CudaPinned".equals(name);
    }

    /** The {@code OrtMemoryInfo*} describing this place, created once. */
    MemorySegment nativeInfo() {
        return NATIVE.computeIfAbsent(this, place -> {
            try (Arena arena = Arena.ofConfined()) {
                return OrtCApi.get().callForPointer(OrtCApi.Fn.CreateMemoryInfo, arena.allocateFrom(name), DEVICE_ALLOCATOR, deviceId, MEM_TYPE_DEFAULT);
            } catch (OrtException e) {
                throw new IllegalStateException("cannot describe memory " + this + ": " + e.getMessage(), e);
            }
        });
    }
}
