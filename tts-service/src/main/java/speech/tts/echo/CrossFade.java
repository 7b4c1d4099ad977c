package speech.tts.echo;

import java.util.List;

/** Joins chunk waveforms with a short linear cross-fade so sentence seams do not click. */
public final class CrossFade {

    private CrossFade() {
    }

    /** Overlaps each seam by {@code fadeSamples} (less when a piece is shorter). */
    public static float[] join(List<float[]> pieces, int fadeSamples) {
        if (pieces.isEmpty()) {
            return new float[0];
        }
        float[] out = pieces.get(0).clone();
        for (int p = 1; p < pieces.size(); p++) {
            float[] next = pieces.get(p);
            int fade = Math.min(fadeSamples, Math.min(out.length, next.length));
            float[] joined = new float[out.length + next.length - fade];
            System.arraycopy(out, 0, joined, 0, out.length - fade);
            int start = out.length - fade;
            for (int i = 0; i < fade; i++) {
                float w = (i + 0.5f) / fade;
                joined[start + i] = out[start + i] * (1 - w) + next[i] * w;
            }
            System.arraycopy(next, fade, joined, out.length, next.length - fade);
            out = joined;
        }
        return out;
    }
}
