package speech.runtime.ort.binding;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import speech.runtime.ort.GraphContract;

/**
 * Tiny ONNX graphs written as ModelProto bytes right here: speech-runtime's tests run before the
 * export module (and its Python) in the reactor, and the ORT jar carries no protobuf classes. Field
 * numbers are those of onnx.proto.
 */
public final class TestGraphs {

    public static final GraphContract APPEND_ROW = new GraphContract("append_row", Set.of("cache", "row"), Set.of("new_row"));
    public static final GraphContract SCATTER_ROW = new GraphContract("scatter_row", Set.of("cache", "position", "row"),
            Set.of("cache_out"));

    static final int FLOAT = 1;
    static final int INT64 = 7;

    private TestGraphs() {
    }

    /**
     * A decoder-cache step that computes only the new row: {@code new_row = row + ReduceSum(cache, axis 0)}.
     * Inputs {@code cache} float[capacity, width], {@code row} float[1, width]; output {@code new_row} float[1, width].
     */
    public static Path appendRow(Path dir, int capacity, int width) {
        Proto graph = new Proto().string(2, "append_row")
                .message(5, int64Tensor("axes", 0))
                .message(1, node("ReduceSum", new String[] {"cache", "axes"}, "past_sum"))
                .message(1, node("Add", new String[] {"row", "past_sum"}, "new_row"))
                .message(11, tensorInfo("cache", FLOAT, capacity, width))
                .message(11, tensorInfo("row", FLOAT, 1, width))
                .message(12, tensorInfo("new_row", FLOAT, 1, width));
        return write(dir.resolve("append_row.onnx"), graph);
    }

    /**
     * A whole-cache update: {@code cache_out = ScatterND(cache, position, row)}, the cache with row
     * {@code position} replaced. Inputs {@code cache} float[capacity, width], {@code position} int64[1, 1],
     * {@code row} float[1, width]; output {@code cache_out} float[capacity, width].
     */
    static Path scatterRow(Path dir, int capacity, int width) {
        Proto graph = new Proto().string(2, "scatter_row")
                .message(1, node("ScatterND", new String[] {"cache", "position", "row"}, "cache_out"))
                .message(11, tensorInfo("cache", FLOAT, capacity, width))
                .message(11, tensorInfo("position", INT64, 1, 1))
                .message(11, tensorInfo("row", FLOAT, 1, width))
                .message(12, tensorInfo("cache_out", FLOAT, capacity, width));
        return write(dir.resolve("scatter_row.onnx"), graph);
    }

    private static Path write(Path file, Proto graph) {
        Proto model = new Proto().varint(1, 8) // ir_version
                .string(2, "speech-runtime tests") // producer_name
                .message(7, graph)
                .message(8, new Proto().varint(2, 17)); // opset_import: default domain, opset 17
        try {
            return Files.write(file, model.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Proto node(String op, String[] inputs, String output) {
        Proto node = new Proto();
        for (String input : inputs) {
            node.string(1, input);
        }
        return node.string(2, output).string(3, op + "_" + output).string(4, op);
    }

    private static Proto tensorInfo(String name, int elementType, long... dims) {
        Proto shape = new Proto();
        for (long d : dims) {
            shape.message(1, new Proto().varint(1, d));
        }
        Proto tensorType = new Proto().varint(1, elementType).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    private static Proto int64Tensor(String name, long... values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        return new Proto().varint(1, values.length).varint(2, INT64).string(8, name).bytes(9, raw.array());
    }

    /** Protobuf wire format: varint (type 0) and length-delimited (type 2) fields. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto message) {
            return bytes(field, message.bytes());
        }

        Proto bytes(int field, byte[] value) {
            raw((long) field << 3 | 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void raw(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) (value & 0x7F) | 0x80);
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
