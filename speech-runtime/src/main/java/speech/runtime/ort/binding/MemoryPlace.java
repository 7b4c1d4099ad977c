package speech.runtime.ort.binding;

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
}
