package speech.runtime.ort;

/**
 * {@code speech.ort.provider=cuda} and the CUDA provider cannot be used (CPU-only ONNX Runtime build, no
 * GPU runtime in the container, a missing cuBLAS/cuDNN, no such device). The model is not loaded, so
 * the service stays not ready with this message instead of serving on CPU.
 */
public final class CudaUnavailableException extends IllegalStateException {

    public CudaUnavailableException(String reason) {
        super("speech.ort.provider=cuda but CUDA cannot be used: " + reason);
    }
}
