package speech.asr.whisper;

/**
 * The decoder's self-attention keys and values so far, {@code [layers, batch, heads, past, head_dim]}
 * row-major. Immutable: each decoder call returns the grown cache.
 */
record KvCache(float[] k, float[] v, int layers, int batch, int heads, int past, int headDim) {

    static KvCache empty(int layers, int batch, int heads, int headDim) {
        return new KvCache(new float[0], new float[0], layers, batch, heads, 0, headDim);
    }

    long[] shape() {
        return new long[] {layers, batch, heads, past, headDim};
    }

    /** Row {@code b} of the new batch is row {@code sources[b]} of this one (beam search keeps its survivors). */
    KvCache reorder(int[] sources) {
        int row = heads * past * headDim;
        float[] nk = new float[layers * sources.length * row];
        float[] nv = new float[nk.length];
        for (int l = 0; l < layers; l++) {
            for (int b = 0; b < sources.length; b++) {
                int from = (l * batch + sources[b]) * row;
                int to = (l * sources.length + b) * row;
                System.arraycopy(k, from, nk, to, row);
                System.arraycopy(v, from, nv, to, row);
            }
        }
        return new KvCache(nk, nv, layers, sources.length, heads, past, headDim);
    }
}
