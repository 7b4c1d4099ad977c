package speech.runtime.engine;

import java.util.BitSet;

/**
 * A fixed set of {@code rows} state slots: indices into buffers the model allocated once with that many
 * rows. Used by the loop thread only.
 */
final class SlotPool {

    private final int size;
    private final BitSet used;

    SlotPool(int size) {
        this.size = size;
        this.used = new BitSet(size);
    }

    int size() {
        return size;
    }

    int free() {
        return size - used.cardinality();
    }

    /** The {@code n} lowest free slots; the caller checked {@link #free()}. */
    int[] take(int n) {
        if (n > free()) {
            throw new IllegalStateException("asked for " + n + " slots, " + free() + " free");
        }
        int[] taken = new int[n];
        for (int i = 0, slot = -1; i < n; i++) {
            slot = used.nextClearBit(slot + 1);
            used.set(slot);
            taken[i] = slot;
        }
        return taken;
    }

    void release(int[] slots) {
        for (int slot : slots) {
            if (!used.get(slot)) {
                throw new IllegalStateException("slot " + slot + " released twice");
            }
            used.clear(slot);
        }
    }
}
