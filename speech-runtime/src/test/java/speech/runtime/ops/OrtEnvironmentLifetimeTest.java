package speech.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ORT's own JVM shutdown task (which frees the environment on SIGTERM) no longer frees it once the
 * environment is kept: a graph still loads and runs after it. Without the kept reference the same run
 * fails ("Attempt to use DefaultLogger but none has been registered") or aborts the JVM.
 */
class OrtEnvironmentLifetimeTest {

    /** A one-node ONNX graph, y = x + x over float[2] (opset 17), as onnx.save writes it. */
    static final byte[] ADD_GRAPH = Base64.getDecoder().decode(
            "CAg6NQoOCgF4CgF4EgF5IgNBZGQSAWdaDwoBeBIKCggIARIECgIIAmIPCgF5EgoKCAgBEgQKAggCQgQKABAR");

    @Test
    void ortShutdownHookNoLongerFreesTheEnvironment() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long kept = OrtEnvironmentLifetime.keepUntilExit();
        assertEquals(nativeHandle(env), kept, "the reference is on ORT Java's own environment");
        assertEquals(kept, OrtEnvironmentLifetime.keepUntilExit(), "taken once");

        ortShutdownTask(env).run(); // what ORT's hook does when the JVM shuts down

        try (OrtSession session = env.createSession(ADD_GRAPH);
             OnnxTensor x = OnnxTensor.createTensor(env, new float[] {1.5f, -2f});
             OrtSession.Result y = session.run(Map.of("x", x))) {
            assertArrayEquals(new float[] {3f, -4f}, (float[]) y.get(0).getValue());
        }
    }

    static long nativeHandle(OrtEnvironment env) throws ReflectiveOperationException {
        Method handle = OrtEnvironment.class.getDeclaredMethod("getNativeHandle");
        handle.setAccessible(true);
        return (long) handle.invoke(env);
    }

    /** The Runnable ORT registers as its shutdown hook, built as OrtEnvironment builds it. */
    static Runnable ortShutdownTask(OrtEnvironment env) throws ReflectiveOperationException {
        Field api = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("ortApiHandle");
        api.setAccessible(true);
        Constructor<?> closer = Class.forName("ai.onnxruntime.OrtEnvironment$OrtEnvCloser").getDeclaredConstructor(long.class, long.class);
        closer.setAccessible(true);
        return (Runnable) closer.newInstance(api.getLong(null), nativeHandle(env));
    }
}
