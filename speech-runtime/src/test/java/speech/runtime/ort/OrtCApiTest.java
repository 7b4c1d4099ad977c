package speech.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The C API table is the one of the loaded library, at the positions counted in the 1.29 header. */
class OrtCApiTest {

    @Test
    void reachesTheCApiOfTheLoadedLibrary() throws OrtException {
        OrtCApi api = OrtCApi.get();
        assertEquals(OrtEnvironment.getEnvironment().getVersion(), api.version());
        // a release 1.N offers API versions up to N (1.29 -> 29, the layout the indices were counted in)
        int minor = Integer.parseInt(api.version().split("\\.")[1]);
        assertTrue(minor >= OrtCApi.ORT_API_VERSION, api.version());
        assertNotEquals(MemorySegment.NULL, api.table(minor));
        assertEquals(MemorySegment.NULL, api.table(minor + 1), "ONNX Runtime " + api.version() + " offers API " + (minor + 1));
        // a late table entry as a position check: what ORT Java set in the run options reads back through it
        try (OrtSession.RunOptions options = new OrtSession.RunOptions(); Arena arena = Arena.ofConfined()) {
            options.addRunConfigEntry("speech.binding.check", "resident");
            MemorySegment entry = (MemorySegment) api.invoke(OrtCApi.Fn.GetRunConfigEntry,
                    NativeHandles.runOptions(options), arena.allocateFrom("speech.binding.check"));
            assertEquals("resident", OrtCApi.string(entry));
        }
    }
}
