package speech.runtime.ops;

import ai.onnxruntime.OrtEnvironment;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Keeps the ONNX Runtime environment alive until the process exits, so graceful shutdown can finish
 * the inference already in flight.
 *
 * <p>ONNX Runtime's Java API registers a JVM shutdown hook ({@code OrtEnvironment$OrtEnvCloser})
 * that releases the native environment as soon as SIGTERM arrives. JVM hooks run concurrently, so it
 * runs while Quarkus' own hook is still waiting for in-flight requests: the next {@code session.run}
 * then touches freed memory and the JVM dies with SIGSEGV in {@code libonnxruntime.so} (seen with
 * uploads in flight during {@code kill -TERM}). This removes that hook at startup; the environment is
 * then released by the operating system when the process exits, after the queues have drained.
 *
 * <p>The JDK keeps hooks in a private map; it is read through {@code sun.misc.Unsafe} (module
 * jdk.unsupported) because {@code setAccessible} on java.lang needs {@code --add-opens}. If that ever
 * fails, a warning is logged and the service runs as before.
 */
@ApplicationScoped
public class OrtEnvironmentLifetime {

    private static final Logger LOG = Logger.getLogger(OrtEnvironmentLifetime.class);
    private static final String ORT_CLOSER = "ai.onnxruntime.OrtEnvironment$OrtEnvCloser";

    void onStart(@Observes StartupEvent event) {
        OrtEnvironment.getEnvironment(); // creates the environment, and ORT's hook, if nothing has yet
        try {
            int removed = removeOrtShutdownHooks();
            LOG.infof("ONNX Runtime environment kept until exit (%d shutdown hook removed) so graceful shutdown can finish running inference", removed);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("could not remove ONNX Runtime's shutdown hook (" + e + "): inference still running when SIGTERM "
                    + "arrives may crash the process instead of finishing");
        }
    }

    /** Removes every registered JVM shutdown hook whose task is ORT's environment closer; returns how many. */
    static int removeOrtShutdownHooks() throws ReflectiveOperationException {
        sun.misc.Unsafe unsafe = unsafe();
        Class<?> hooksClass = Class.forName("java.lang.ApplicationShutdownHooks");
        Field hooksField = hooksClass.getDeclaredField("hooks");
        Field targetField = Thread.class.getDeclaredField("target");
        long targetOffset = unsafe.objectFieldOffset(targetField);
        List<Thread> ortHooks = new ArrayList<>();
        synchronized (hooksClass) {
            Map<?, ?> hooks = (Map<?, ?>) unsafe.getObject(unsafe.staticFieldBase(hooksField), unsafe.staticFieldOffset(hooksField));
            if (hooks == null) {
                return 0; // the JVM is already shutting down
            }
            for (Object hook : hooks.keySet()) {
                Object task = unsafe.getObject(hook, targetOffset);
                if (task != null && task.getClass().getName().equals(ORT_CLOSER)) {
                    ortHooks.add((Thread) hook);
                }
            }
        }
        ortHooks.forEach(Runtime.getRuntime()::removeShutdownHook);
        return ortHooks.size();
    }

    private static sun.misc.Unsafe unsafe() throws ReflectiveOperationException {
        Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        return (sun.misc.Unsafe) f.get(null);
    }
}
