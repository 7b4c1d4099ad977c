package speech.asr.whisper;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.List;
import speech.runtime.engine.Item;
import speech.runtime.engine.StepModel;

/**
 * The encoder loop's step: log-mel windows → cross-attention K/V of every decoder layer, written
 * straight into each window's slot of the {@link DecoderState} (computed once per window).
 */
public final class EncoderStep implements StepModel<Item<EncoderStep.Window, Integer>, Integer> {

    /** One window's log-mel {@code [n_mels, n_frames]} and the cross K/V slot it goes to. */
    public record Window(float[] mel, int slot) {
    }

    private final DecoderState state;

    public EncoderStep(DecoderState state) {
        this.state = state;
    }

    /**
     * One encoder.onnx call per window, its output bound into the window's slot. On the CPU a batched
     * call is no faster (the 30-s pass is compute-bound: same time per window at batch 1, 4 and 8).
     */
    @Override
    public List<Integer> step(List<Item<Window, Integer>> items) throws OrtException {
        List<Integer> out = new ArrayList<>(items.size());
        for (Item<Window, Integer> item : items) {
            state.encode(item.input().mel(), item.input().slot());
            out.add(item.input().slot());
        }
        return out;
    }
}
