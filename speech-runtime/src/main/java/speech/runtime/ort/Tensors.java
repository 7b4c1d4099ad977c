package speech.runtime.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/** Array ⇄ {@link OnnxTensor} helpers. Shapes are {@code long[]}; data is row-major. */
public final class Tensors {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private Tensors() {
    }

    public static OnnxTensor floats(float[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(ENV, FloatBuffer.wrap(data), shape);
    }

    public static OnnxTensor longs(long[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(ENV, LongBuffer.wrap(data), shape);
    }

    public static OnnxTensor ints(int[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(ENV, IntBuffer.wrap(data), shape);
    }

    public static OnnxTensor bools(boolean[] data, long... shape) throws OrtException {
        ByteBuffer bytes = ByteBuffer.allocateDirect(data.length);
        for (boolean b : data) {
            bytes.put((byte) (b ? 1 : 0));
        }
        bytes.rewind();
        return OnnxTensor.createTensor(ENV, bytes, shape, ai.onnxruntime.OnnxJavaType.BOOL);
    }

    /** Copies a float output out of a result, looked up by name. */
    public static float[] floats(OrtSession.Result result, String name) {
        return floats(output(result, name));
    }

    public static float[] floats(OnnxValue value) {
        FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    public static long[] longs(OrtSession.Result result, String name) {
        LongBuffer buffer = ((OnnxTensor) output(result, name)).getLongBuffer();
        long[] out = new long[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    public static long[] shape(OrtSession.Result result, String name) {
        return ((OnnxTensor) output(result, name)).getInfo().getShape();
    }

    public static OnnxValue output(OrtSession.Result result, String name) {
        return result.get(name).orElseThrow(() -> new IllegalStateException("graph did not return output " + name));
    }

    public static long elements(long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
