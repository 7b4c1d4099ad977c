package speech.asr.realtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** 24 kHz → 16 kHz: a tone in the passband comes out as the same tone, one above 8 kHz is gone, pieces change nothing. */
class ResamplerTest {

    static float[] tone(double hz, int rate, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return x;
    }

    @Test
    void aToneInThePassbandKeepsItsShapeAndPhase() {
        float[] out = new Resampler(24_000, 16_000).feed(tone(440, 24_000, 24_000));
        assertEquals(16_000, out.length, 20);
        double worst = 0;
        for (int n = 32; n < out.length - 32; n++) {
            worst = Math.max(worst, Math.abs(out[n] - 0.5 * Math.sin(2 * Math.PI * 440 * n / 16_000)));
        }
        assertTrue(worst < 0.01, "largest error " + worst);
    }

    @Test
    void aToneAboveTheNewNyquistRateIsRemoved() {
        float[] out = new Resampler(24_000, 16_000).feed(tone(11_000, 24_000, 24_000));
        double energy = 0;
        for (int n = 32; n < out.length - 32; n++) {
            energy += out[n] * out[n];
        }
        double rms = Math.sqrt(energy / (out.length - 64));
        assertTrue(rms < 0.5 / Math.sqrt(2) / 30, "rms " + rms + " (aliased, should be 30 dB down)");
    }

    @Test
    void piecesOfAnySizeGiveWhatTheWholeGives() {
        float[] x = tone(1234, 24_000, 9_001);
        float[] whole = new Resampler(24_000, 16_000).feed(x);
        Resampler r = new Resampler(24_000, 16_000);
        Random random = new Random(3);
        float[] pieces = new float[0];
        for (int at = 0; at < x.length; ) {
            int n = Math.min(x.length - at, random.nextInt(700));
            float[] y = r.feed(Arrays.copyOfRange(x, at, at + n));
            pieces = Arrays.copyOf(pieces, pieces.length + y.length);
            System.arraycopy(y, 0, pieces, pieces.length - y.length, y.length);
            at += n;
        }
        assertArrayEquals(whole, pieces);
    }

    @Test
    void theModelsOwnRatePassesUntouched() {
        float[] x = tone(440, 16_000, 1000);
        assertSame(x, new Resampler(16_000, 16_000).feed(x));
    }
}
