package speech.tts.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The speaker K/V cache is bounded in bytes, least recently used out first. */
class SpeakerCacheTest {

    // [layers, 1, patches, heads, headDim] with 2 × 4 bytes per element for K and V, plus one byte per patch.
    private static Conditioning.Speaker speaker(int patches) {
        long[] shape = {2, 1, patches, 2, 8};
        int n = (int) (2 * patches * 2 * 8);
        return new Conditioning.Speaker(new Conditioning.KeysValues(Conditioning.direct(n), Conditioning.direct(n), shape),
                new boolean[patches]);
    }

    @Test
    void evictsTheLeastRecentlyUsedWhenOverBudget() throws Exception {
        long each = speaker(10).bytes();
        assertEquals(2L * 4 * 2 * 10 * 2 * 8 + 10, each);
        SpeakerCache cache = new SpeakerCache(3 * each);
        List<String> computed = new ArrayList<>();
        for (String voice : List.of("a", "b", "c")) {
            cache.get(voice, () -> {
                computed.add(voice);
                return speaker(10);
            });
        }
        assertEquals(3 * each, cache.bytes());
        Conditioning.Speaker a = cache.get("a", () -> {
            throw new AssertionError("a is cached");
        });
        cache.get("d", () -> speaker(10)); // over budget: b is now the least recently used
        assertFalse(cache.contains("b"));
        assertTrue(cache.contains("a") && cache.contains("c") && cache.contains("d"));
        assertEquals(3 * each, cache.bytes());
        assertSame(a, cache.get("a", () -> speaker(10)));

        cache.get("big", () -> speaker(25)); // fits alone, so everything older leaves
        assertTrue(cache.contains("big"));
        assertEquals(speaker(25).bytes(), cache.bytes());
        assertEquals(List.of("a", "b", "c"), computed);
    }

    @Test
    void anEntryLargerThanTheBudgetIsComputedButNotKept() throws Exception {
        SpeakerCache cache = new SpeakerCache(speaker(10).bytes());
        cache.get("small", () -> speaker(10));
        Conditioning.Speaker huge = cache.get("huge", () -> speaker(11));
        assertEquals(11, huge.patchMask().length);
        assertFalse(cache.contains("huge"));
        assertTrue(cache.contains("small"), "a too large entry evicts nothing");
        assertEquals(speaker(10).bytes(), cache.bytes());
    }

    @Test
    void removeFreesItsBytesAndAZeroBudgetKeepsNothing() throws Exception {
        SpeakerCache cache = new SpeakerCache(1 << 20);
        cache.get("a", () -> speaker(10));
        cache.remove("a");
        assertEquals(0, cache.bytes());
        SpeakerCache off = new SpeakerCache(0);
        off.get("a", () -> speaker(1));
        assertFalse(off.contains("a"));
        assertThrows(IllegalArgumentException.class, () -> new SpeakerCache(-1));
    }
}
