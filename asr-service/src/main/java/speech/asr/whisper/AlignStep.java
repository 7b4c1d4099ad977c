package speech.asr.whisper;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.List;
import speech.runtime.engine.Item;
import speech.runtime.engine.StepModel;
import speech.runtime.ort.binding.IoBinding;

/**
 * The alignment loop's step: one alignment.onnx call per window that wants word timestamps, over
 * its cross K/V slot of the {@link DecoderState} (the window holds the slot until it is aligned).
 */
final class AlignStep implements StepModel<Item<AlignStep.Request, Aligner.Alignment>, Aligner.Alignment>, AutoCloseable {

    /** The whole sequence to align (sot sequence, no_timestamps, text, eot) and the window's cross K/V slot. */
    record Request(long[] tokens, int window) {
    }

    private final Aligner aligner;
    private final DecoderState state;
    private final IoBinding binding;

    AlignStep(Aligner aligner, DecoderState state) throws OrtException {
        this.aligner = aligner;
        this.state = state;
        this.binding = aligner.bind();
    }

    @Override
    public List<Aligner.Alignment> step(List<Item<Request, Aligner.Alignment>> items) throws OrtException {
        List<Aligner.Alignment> out = new ArrayList<>(items.size());
        for (Item<Request, Aligner.Alignment> item : items) {
            try {
                out.add(aligner.align(binding, item.input().tokens(), item.input().window(), state.crossK(), state.crossV()));
            } finally {
                binding.clearOutputs();
            }
        }
        return out;
    }

    @Override
    public void close() {
        binding.close();
    }
}
