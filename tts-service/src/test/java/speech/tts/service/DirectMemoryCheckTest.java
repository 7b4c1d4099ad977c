package speech.tts.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The start-up warning appears exactly when the speaker cache and batch K/V budgets do not fit in direct memory. */
class DirectMemoryCheckTest {

    @Test
    void warnsOnlyWhenTheBudgetsExceedDirectMemory() {
        long gib = 1L << 30;
        assertTrue(DirectMemoryCheck.problem(4 * gib, 2 * gib, gib).isEmpty(), "the images' 4 GiB hold the defaults");
        String warning = DirectMemoryCheck.problem(512L << 20, 2 * gib, gib).orElseThrow();
        assertTrue(warning.contains("512 MiB") && warning.contains("2048 MiB") && warning.contains("1024 MiB"), warning);
        assertTrue(warning.contains("MaxDirectMemorySize"), warning);
    }

    @Test
    void readsThisJvmsLimit() {
        long limit = DirectMemoryCheck.maxDirectMemory();
        assertTrue(limit > 0);
        String set = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:MaxDirectMemorySize=")).findFirst().orElse(null);
        long expected = set == null ? Runtime.getRuntime().maxMemory() : parse(set.substring(set.indexOf('=') + 1));
        assertEquals(expected, limit, "the option, or unset the JVM's default: the maximum heap");
    }

    private static long parse(String size) {
        char unit = Character.toLowerCase(size.charAt(size.length() - 1));
        int shift = unit == 'g' ? 30 : unit == 'm' ? 20 : unit == 'k' ? 10 : 0;
        return Long.parseLong(shift == 0 ? size : size.substring(0, size.length() - 1)) << shift;
    }
}
