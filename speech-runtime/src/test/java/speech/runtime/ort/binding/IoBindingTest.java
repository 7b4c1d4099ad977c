package speech.runtime.ort.binding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import speech.runtime.ort.Graph;
import speech.runtime.ort.OrtCApi;
import speech.runtime.ort.OrtSessions;
import speech.runtime.ort.OrtSettings;

/** IoBinding through the C API on the CPU provider, against plain OrtSession runs and Java references. */
class IoBindingTest {

    private static final int CAPACITY = 8;
    private static final int WIDTH = 4;

    @TempDir
    static Path dir;

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final OrtSessions SESSIONS = new OrtSessions(OrtSettings.cpu());
    private static Graph append;
    private static Graph scatter;

    @BeforeAll
    static void open() throws OrtException {
        append = SESSIONS.open(TestGraphs.appendRow(dir, CAPACITY, WIDTH), TestGraphs.APPEND_ROW);
        scatter = SESSIONS.open(TestGraphs.scatterRow(dir, CAPACITY, WIDTH), TestGraphs.SCATTER_ROW);
    }

    @AfterAll
    static void close() throws OrtException {
        append.close();
        scatter.close();
    }

    @Test
    void boundRunEqualsPlainRun() throws OrtException {
        float[][] cache = pattern(CAPACITY, WIDTH);
        float[][] row = {{9f, 8f, 7f, 6f}};
        long[][] position = {{3}};
        try (OnnxTensor cacheIn = OnnxTensor.createTensor(ENV, cache);
             OnnxTensor rowIn = OnnxTensor.createTensor(ENV, row);
             OnnxTensor positionIn = OnnxTensor.createTensor(ENV, position);
             OrtSession.Result plain = scatter.run(Map.of("cache", cacheIn, "row", rowIn, "position", positionIn));
             ResidentTensor out = ResidentTensor.allocate(scatter, MemoryPlace.cpu(), ElementType.FLOAT, CAPACITY, WIDTH);
             IoBinding binding = IoBinding.create(scatter)) {
            binding.bindInput("cache", cacheIn).bindInput("row", rowIn).bindInput("position", positionIn)
                    .bindOutput("cache_out", out);
            binding.run();
            float[] expected = flatten((float[][]) plain.get("cache_out").orElseThrow().getValue());
            assertArrayEquals(expected, out.toFloatArray());

            binding.bindOutput("cache_out", MemoryPlace.cpu());
            binding.run();
            try (BoundOutputs outputs = binding.outputs()) {
                assertEquals(java.util.Set.of("cache_out"), outputs.names());
                ResidentTensor allocatedByOrt = outputs.get("cache_out");
                assertArrayEquals(new long[] {CAPACITY, WIDTH}, allocatedByOrt.shape());
                assertEquals(MemoryPlace.cpu(), allocatedByOrt.place());
                assertArrayEquals(expected, allocatedByOrt.toFloatArray());
            }
        }
    }

    @Test
    void outputBoundToAResidentTensorIsWrittenInPlace() throws OrtException {
        try (ResidentTensor cache = zeros(scatter);
             ResidentTensor out = ResidentTensor.allocate(scatter, MemoryPlace.cpu(), ElementType.FLOAT, CAPACITY, WIDTH);
             ResidentTensor row = ResidentTensor.allocate(scatter, MemoryPlace.cpu(), ElementType.FLOAT, 1, WIDTH);
             ResidentTensor position = ResidentTensor.allocate(scatter, MemoryPlace.cpu(), ElementType.INT64, 1, 1);
             IoBinding binding = IoBinding.create(scatter)) {
            MemorySegment view = out.segment(); // taken once, before any run
            long address = out.address();
            binding.bindInput("cache", cache).bindInput("row", row).bindInput("position", position).bindOutput("cache_out", out);

            for (int step = 0; step < 3; step++) {
                row.write(0, new float[] {step + 1, step + 2, step + 3, step + 4});
                position.segment().set(ValueLayout.JAVA_LONG, 0, 5 - step);
                binding.synchronizeInputs();
                binding.run();
                binding.synchronizeOutputs();
                assertEquals(address, out.address());
                assertEquals(step + 1f, view.getAtIndex(ValueLayout.JAVA_FLOAT, (5L - step) * WIDTH), "step " + step);
                try (BoundOutputs outputs = binding.outputs()) {
                    assertEquals(address, outputs.get("cache_out").address(), "ORT hands back the same memory");
                }
            }
        }
    }

    @Test
    void cacheUpdatedInPlaceRowByRowOverEveryStep() throws OrtException {
        float[][] expected = new float[CAPACITY][WIDTH];
        try (ResidentTensor cache = zeros(append);
             ResidentTensor row = ResidentTensor.allocate(append, MemoryPlace.cpu(), ElementType.FLOAT, 1, WIDTH);
             IoBinding binding = IoBinding.create(append)) {
            long address = cache.address();
            // bound once: on the CPU the graph reads the memory Java writes between runs
            binding.bindInput("cache", cache).bindInput("row", row);
            for (int t = 0; t < CAPACITY; t++) {
                float[] x = {t, -t, 0.5f * t, 1f};
                row.write(0, x);
                try (ResidentTensor slot = cache.slice(t, 1)) {
                    binding.bindOutput("new_row", slot); // the graph writes row t of the cache, nothing else moves
                    binding.run();
                }
                for (int j = 0; j < WIDTH; j++) {
                    float past = 0;
                    for (int s = 0; s < t; s++) {
                        past += expected[s][j];
                    }
                    expected[t][j] = x[j] + past;
                }
                assertEquals(address, cache.address());
            }
            assertArrayEquals(flatten(expected), cache.toFloatArray());
        }
    }

    @Test
    void wholeCacheUpdatesAlternateBetweenTwoResidentBuffers() throws OrtException {
        float[] expected = new float[CAPACITY * WIDTH];
        try (ResidentTensor a = zeros(scatter); ResidentTensor b = zeros(scatter);
             ResidentTensor row = ResidentTensor.allocate(scatter, MemoryPlace.cpu(), ElementType.FLOAT, 1, WIDTH);
             ResidentTensor position = ResidentTensor.allocate(scatter, MemoryPlace.cpu(), ElementType.INT64, 1, 1);
             IoBinding binding = IoBinding.create(scatter)) {
            binding.bindInput("row", row).bindInput("position", position);
            ResidentTensor current = a;
            ResidentTensor next = b;
            for (int t = 0; t < CAPACITY; t++) {
                float[] x = {t + 0.25f, t * 2f, -t, 3f};
                row.write(0, x);
                position.segment().set(ValueLayout.JAVA_LONG, 0, t);
                binding.bindInput("cache", current).bindOutput("cache_out", next);
                binding.run();
                System.arraycopy(x, 0, expected, t * WIDTH, WIDTH);
                ResidentTensor swap = current;
                current = next;
                next = swap;
            }
            assertArrayEquals(expected, current.toFloatArray());
        }
    }

    @Test
    void wrapsJavaOwnedMemoryWithoutACopy() throws OrtException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate((long) CAPACITY * WIDTH * Float.BYTES);
            MemorySegment rowMemory = arena.allocate((long) WIDTH * Float.BYTES);
            try (ResidentTensor cache = ResidentTensor.wrap(memory, ElementType.FLOAT, CAPACITY, WIDTH);
                 ResidentTensor row = ResidentTensor.wrap(rowMemory, ElementType.FLOAT, 1, WIDTH);
                 IoBinding binding = IoBinding.create(append)) {
                assertEquals(memory.address(), cache.address());
                binding.bindInput("cache", cache).bindInput("row", row).bindOutput("new_row", MemoryPlace.cpu());
                memory.setAtIndex(ValueLayout.JAVA_FLOAT, 2L * WIDTH + 1, 40f); // written after binding, through Java's own segment
                rowMemory.setAtIndex(ValueLayout.JAVA_FLOAT, 1, 2f);
                binding.run();
                try (BoundOutputs outputs = binding.outputs()) {
                    assertArrayEquals(new float[] {0f, 42f, 0f, 0f}, outputs.get("new_row").toFloatArray());
                }
            }
        }
    }

    @Test
    void copyFromCopiesBetweenCpuTensors() throws OrtException {
        try (ResidentTensor source = ResidentTensor.allocate(append, MemoryPlace.cpu(), ElementType.FLOAT, CAPACITY, WIDTH);
             ResidentTensor target = zeros(append)) {
            source.write(0, flatten(pattern(CAPACITY, WIDTH)));
            target.copyFrom(source);
            assertArrayEquals(flatten(pattern(CAPACITY, WIDTH)), target.toFloatArray());
            assertNotEquals(source.address(), target.address());
            try (ResidentTensor narrow = ResidentTensor.allocate(append, MemoryPlace.cpu(), ElementType.FLOAT, 1, WIDTH)) {
                assertThrows(IllegalArgumentException.class, () -> target.copyFrom(narrow));
            }
        }
    }

    @Test
    void errorsCarryOrtsOwnMessage() throws OrtException {
        try (OnnxTensor wrongType = OnnxTensor.createTensor(ENV, new long[CAPACITY][WIDTH]);
             OnnxTensor row = OnnxTensor.createTensor(ENV, new float[1][WIDTH]);
             ResidentTensor wrongShape = ResidentTensor.allocate(append, MemoryPlace.cpu(), ElementType.FLOAT, 2, WIDTH);
             IoBinding binding = IoBinding.create(append)) {
            binding.bindInput("cache", wrongType).bindInput("row", row).bindOutput("new_row", MemoryPlace.cpu());
            OrtException typeError = assertThrows(OrtException.class, binding::run);
            assertEquals(OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT, typeError.getCode());
            assertTrue(typeError.getMessage().contains("RunWithBinding of graph append_row.onnx: "), typeError.getMessage());
            assertTrue(typeError.getMessage().contains("tensor(int64)") && typeError.getMessage().contains("tensor(float)"), typeError.getMessage());

            try (ResidentTensor cache = zeros(append)) {
                binding.bindInput("cache", cache).bindOutput("new_row", wrongShape);
                OrtException shapeError = assertThrows(OrtException.class, binding::run);
                assertTrue(shapeError.getMessage().contains("new_row"), shapeError.getMessage());
            }
            assertThrows(IllegalArgumentException.class, () -> wrongShape.slice(1, 2));
        }
    }

    @Test
    void runOptionsReachTheBoundRun() throws OrtException {
        try (ResidentTensor cache = zeros(append);
             ResidentTensor row = ResidentTensor.allocate(append, MemoryPlace.cpu(), ElementType.FLOAT, 1, WIDTH);
             OrtSession.RunOptions options = new OrtSession.RunOptions();
             IoBinding binding = IoBinding.create(append)) {
            row.write(0, new float[] {1f, 2f, 3f, 4f});
            binding.bindInput("cache", cache).bindInput("row", row).bindOutput("new_row", MemoryPlace.cpu());
            binding.run(options);
            options.setTerminate(true); // what a cancelled request does to stop a long call
            OrtException stopped = assertThrows(OrtException.class, () -> binding.run(options));
            assertTrue(stopped.getMessage().contains("terminate"), stopped.getMessage());
        }
    }

    @Test
    void closeReleasesEveryNativeObjectOnce() throws OrtException {
        OrtCApi api = OrtCApi.get();
        int before = api.liveObjects();
        IoBinding binding = IoBinding.create(append);
        ResidentTensor cache = zeros(append);
        ResidentTensor row = ResidentTensor.allocate(append, MemoryPlace.cpu(), ElementType.FLOAT, 1, WIDTH);
        ResidentTensor slot = cache.slice(0, 1);
        binding.bindInput("cache", cache).bindInput("row", row).bindOutput("new_row", slot);
        binding.run();
        BoundOutputs outputs = binding.outputs();
        assertEquals(before + 5, api.liveObjects());

        outputs.close();
        slot.close();
        binding.close();
        cache.close();
        row.close();
        assertEquals(before, api.liveObjects());

        outputs.close();
        slot.close();
        binding.close();
        cache.close();
        row.close();
        assertEquals(before, api.liveObjects(), "a second close releases nothing");
        assertThrows(IllegalStateException.class, binding::run);
        assertThrows(IllegalStateException.class, cache::segment);
    }

    @Test
    void memoryPlaceFollowsTheProviderInUse() {
        assertEquals(MemoryPlace.cpu(), MemoryPlace.of(SESSIONS));
        assertTrue(MemoryPlace.cpu().hostAccessible());
        assertEquals(new MemoryPlace("Cuda", 1), MemoryPlace.cuda(1));
        assertTrue(!MemoryPlace.cuda(0).hostAccessible());
    }

    private static ResidentTensor zeros(Graph graph) throws OrtException {
        ResidentTensor tensor = ResidentTensor.allocate(graph, MemoryPlace.cpu(), ElementType.FLOAT, CAPACITY, WIDTH);
        tensor.segment().fill((byte) 0);
        return tensor;
    }

    private static float[][] pattern(int rows, int columns) {
        float[][] values = new float[rows][columns];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                values[i][j] = 0.5f * i - j;
            }
        }
        return values;
    }

    private static float[] flatten(float[][] values) {
        float[] flat = new float[values.length * values[0].length];
        for (int i = 0; i < values.length; i++) {
            System.arraycopy(values[i], 0, flat, i * values[0].length, values[0].length);
        }
        return flat;
    }
}
