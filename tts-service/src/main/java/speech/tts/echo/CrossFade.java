package speech.tts.echo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** Joins chunk waveforms with a short linear cross-fade so sentence seams do not click. */
public final class CrossFade {

    private CrossFade() {
    }

    /** Overlaps each seam by {@code fadeSamples} (less when a piece is shorter). */
    public static float[] join(List<float[]> pieces, int fadeSamples) {
        Stream stream = new Stream(fadeSamples, piece -> { });
        pieces.forEach(stream::add);
        return stream.finish();
    }

    /**
     * The same join, piece by piece: everything but the last {@code fadeSamples} (which the next seam
     * may still change) goes to {@code out} as soon as a piece is added; {@link #finish} flushes the rest.
     */
    public static final class Stream {

        private final int fadeSamples;
        private final Consumer<float[]> out;
        private final List<float[]> emitted = new ArrayList<>();
        private int emittedSamples;
        private float[] held = new float[0];
        private boolean first = true;

        public Stream(int fadeSamples, Consumer<float[]> out) {
            this.fadeSamples = fadeSamples;
            this.out = out;
        }

        public void add(float[] next) {
            int fade = first ? 0 : Math.min(fadeSamples, Math.min(emittedSamples + held.length, next.length));
            first = false;
            float[] combined = new float[held.length + next.length - fade];
            int start = held.length - fade;
            System.arraycopy(held, 0, combined, 0, start);
            for (int i = 0; i < fade; i++) {
                float w = (i + 0.5f) / fade;
                combined[start + i] = held[start + i] * (1 - w) + next[i] * w;
            }
            System.arraycopy(next, fade, combined, held.length, next.length - fade);
            int keep = Math.min(fadeSamples, combined.length);
            emit(Arrays.copyOf(combined, combined.length - keep));
            held = Arrays.copyOfRange(combined, combined.length - keep, combined.length);
        }

        /** The whole joined waveform, after handing out the held tail. */
        public float[] finish() {
            emit(held);
            held = new float[0];
            float[] all = new float[emittedSamples];
            int at = 0;
            for (float[] piece : emitted) {
                System.arraycopy(piece, 0, all, at, piece.length);
                at += piece.length;
            }
            return all;
        }

        private void emit(float[] samples) {
            if (samples.length > 0) {
                emitted.add(samples);
                emittedSamples += samples.length;
                out.accept(samples);
            }
        }
    }
}
