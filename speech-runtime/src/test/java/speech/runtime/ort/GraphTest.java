package speech.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import speech.runtime.ort.binding.TestGraphs;

/** A real session through {@link Graph}: the contract checked at open and per call, and no call after close. */
class GraphTest {

    @TempDir
    Path dir;
    Path file;
    final OrtSessions sessions = new OrtSessions(OrtSettings.cpu());

    @BeforeEach
    void writeModel() {
        file = TestGraphs.appendRow(dir, 2, 2); // new_row [1, 2] = row + column sums of cache [2, 2]
    }

    @Test
    void runsByName() throws Exception {
        try (Graph graph = sessions.open(file, TestGraphs.APPEND_ROW)) {
            assertEquals("append_row.onnx", graph.name());
            assertArrayEquals(new float[] {14, 26}, appendRow(graph, new float[] {1, 2, 3, 4}, new float[] {10, 20}));
        }
    }

    @Test
    void contractMismatchFailsAtOpen() {
        GraphContract wrongInput = new GraphContract("append_row", Set.of("cache", "rows"), Set.of("new_row"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sessions.open(file, wrongInput));
        assertTrue(e.getMessage().contains("append_row.onnx") && e.getMessage().contains("rows"), e.getMessage());
        GraphContract missingOutput = new GraphContract("append_row", Set.of("cache", "row"), Set.of("new_row", "cache_out"));
        assertThrows(IllegalStateException.class, () -> sessions.open(file, missingOutput));
    }

    @Test
    void wrongInputNameFailsBeforeTheRun() throws Exception {
        try (Graph graph = sessions.open(file, TestGraphs.APPEND_ROW);
             OnnxTensor row = Tensors.floats(new float[] {1, 2}, 1, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> graph.run(Map.of("row", row, "rows", row)));
            assertTrue(e.getMessage().contains("append_row.onnx"), e.getMessage());
        }
    }

    @Test
    void callAfterCloseFailsClearly() throws Exception {
        Graph graph = sessions.open(file, TestGraphs.APPEND_ROW);
        graph.close();
        graph.close(); // idempotent
        GraphClosedException e = assertThrows(GraphClosedException.class,
                () -> appendRow(graph, new float[] {1, 2, 3, 4}, new float[] {10, 20}));
        assertTrue(e.getMessage().contains("append_row.onnx is closed"), e.getMessage());
        assertThrows(GraphClosedException.class, graph::describe);
        assertThrows(GraphClosedException.class, () -> graph.withSession(OrtSession::getInputNames));
    }

    private static float[] appendRow(Graph graph, float[] cache, float[] row) throws OrtException {
        try (OnnxTensor c = Tensors.floats(cache, 2, 2);
             OnnxTensor r = Tensors.floats(row, 1, 2);
             OrtSession.Result out = graph.run(Map.of("cache", c, "row", r))) {
            return Tensors.floats(out, "new_row");
        }
    }
}
