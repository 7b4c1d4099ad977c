package speech.runtime.ops;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.foreign.Arena;
import org.jboss.logging.Logger;
import speech.runtime.ort.OrtCApi;

/**
 * Keeps the ONNX Runtime environment alive until the process exits, so graceful shutdown can finish
 * the inference already in flight.
 *
 * <p>ONNX Runtime's Java API registers a JVM shutdown hook ({@code OrtEnvironment$OrtEnvCloser}) that
 * calls the C API's {@code ReleaseEnv} as soon as SIGTERM arrives. JVM hooks run concurrently, so it runs
 * while Quarkus' own hook is still waiting for in-flight requests: the next {@code session.run} then
 * touches a freed environment and the JVM dies in {@code libonnxruntime.so} (seen with uploads in flight
 * during {@code kill -TERM}).
 *
 * <p>The C API shares one environment per process and counts its users: {@code CreateEnv} adds one,
 * {@code ReleaseEnv} drops one and frees it at zero. At startup this takes one more reference through
 * the C API (FFM), and never drops it: ORT's hook then only takes the count back to one, and the
 * operating system releases the environment when the process exits, after the queues have drained.
 * If that fails, a warning is logged and the service runs as before.
 */
@ApplicationScoped
public class OrtEnvironmentLifetime {

    private static final Logger LOG = Logger.getLogger(OrtEnvironmentLifetime.class);
    /** {@code ORT_LOGGING_LEVEL_WARNING}: ignored, the environment exists already. */
    private static final int LOGGING_LEVEL_WARNING = 2;

    private static long kept;

    void onStart(@Observes StartupEvent event) {
        try {
            keepUntilExit();
            LOG.infof("ONNX Runtime environment kept until exit (one C API reference held) so graceful shutdown can finish running inference");
        } catch (RuntimeException e) {
            LOG.warn("could not hold ONNX Runtime's environment (" + e + "): inference still running when SIGTERM "
                    + "arrives may crash the process instead of finishing");
        }
    }

    /**
     * Takes the extra reference on ORT Java's environment, once per process (later calls do nothing);
     * returns the environment's native address.
     */
    static synchronized long keepUntilExit() {
        if (kept != 0) {
            return kept;
        }
        OrtEnvironment.getEnvironment(); // creates the environment (and ORT's hook) if nothing has yet
        try (Arena arena = Arena.ofConfined()) {
            kept = OrtCApi.get().callForPointer(OrtCApi.Fn.CreateEnv, LOGGING_LEVEL_WARNING, arena.allocateFrom(OrtEnvironment.DEFAULT_NAME)).address();
            return kept;
        } catch (OrtException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
