package speech.tts.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Minimal safetensors reader for the golden fixtures: 8-byte header length, JSON header, LE data. */
public final class Safetensors {

    public record Tensor(String dtype, long[] shape, ByteBuffer data) {
    }

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final JsonNode metadata;

    private Safetensors(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer all = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) all.getLong(0);
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, headerLength, java.nio.charset.StandardCharsets.UTF_8));
        int base = 8 + headerLength;
        metadata = header.path("__metadata__");
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode node = e.getValue();
            long[] shape = new long[node.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = node.get("shape").get(i).asLong();
            }
            int from = base + node.get("data_offsets").get(0).asInt();
            int to = base + node.get("data_offsets").get(1).asInt();
            ByteBuffer data = ByteBuffer.wrap(bytes, from, to - from).slice().order(ByteOrder.LITTLE_ENDIAN);
            tensors.put(e.getKey(), new Tensor(node.get("dtype").asText(), shape, data));
        }
    }

    public static Safetensors read(Path file) {
        try {
            return new Safetensors(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public JsonNode metadata() {
        return metadata;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor " + name + " in fixture; has " + tensors.keySet());
        }
        return t;
    }

    public long[] shape(String name) {
        return tensor(name).shape();
    }

    public float[] floats(String name) {
        Tensor t = tensor(name);
        ByteBuffer d = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return switch (t.dtype()) {
            case "F32" -> {
                float[] out = new float[d.remaining() / 4];
                d.asFloatBuffer().get(out);
                yield out;
            }
            case "BF16" -> {
                float[] out = new float[d.remaining() / 2];
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((d.getShort(i * 2) & 0xFFFF) << 16);
                }
                yield out;
            }
            default -> throw new IllegalArgumentException(name + " is " + t.dtype() + ", not a float tensor");
        };
    }

    public long[] longs(String name) {
        Tensor t = tensor(name);
        ByteBuffer d = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return switch (t.dtype()) {
            case "I64" -> {
                long[] out = new long[d.remaining() / 8];
                d.asLongBuffer().get(out);
                yield out;
            }
            case "I32" -> {
                long[] out = new long[d.remaining() / 4];
                for (int i = 0; i < out.length; i++) {
                    out[i] = d.getInt(i * 4);
                }
                yield out;
            }
            default -> throw new IllegalArgumentException(name + " is " + t.dtype() + ", not an integer tensor");
        };
    }

    public boolean[] bools(String name) {
        Tensor t = tensor(name);
        if (!t.dtype().equals("BOOL")) {
            throw new IllegalArgumentException(name + " is " + t.dtype() + ", not BOOL");
        }
        ByteBuffer d = t.data().duplicate();
        boolean[] out = new boolean[d.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.get(i) != 0;
        }
        return out;
    }
}
