package speech.asr.whisper;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import speech.runtime.model.Manifest;
import speech.runtime.model.ModelException;

/**
 * The typed view of a Whisper model's manifest.json (docs/whisper-graphs.md). The only place that
 * knows the model's numbers (sample rate, mel bins, frames, context length, special token ids).
 */
public record WhisperManifest(
        String modelName, String precision, boolean multilingual, Dims dims, Audio audio, SpecialTokens special,
        Map<String, Integer> languages, List<Integer> suppressTokens, List<Integer> beginSuppressTokens,
        String encoderFile, String decoderFile, String tokenizerFile, String melFiltersFile, int[] melFiltersShape,
        String vadFile, String alignmentFile) {

    /** The graph contract this code runs (docs/whisper-graphs.md): batched decoder reading per-layer resident caches in place. */
    public static final int FORMAT_VERSION = 3;


    public record Dims(int nMels, int nAudioCtx, int nVocab, int nTextCtx, int nTextLayer, int nTextHead, int nTextState) {
        public int headDim() {
            return nTextState / nTextHead;
        }
    }

    /** {@code nFrames} mel frames per {@code chunkLength} seconds window; {@code nSamples} samples in it. */
    public record Audio(int sampleRate, int nFft, int hopLength, int chunkLength, int nSamples, int nFrames) {
    }

    public record SpecialTokens(int eot, int sot, int translate, int transcribe, int sotLm, int sotPrev,
                                int noSpeech, int noTimestamps, int timestampBegin) {
    }

    /** The manifest's {@code format} of a Whisper export. */
    public static final String FORMAT = "speech-platform/whisper";

    public static boolean isWhisper(Manifest manifest) {
        return FORMAT.equals(manifest.root().path("format").asText());
    }

    public static WhisperManifest of(Manifest manifest) {
        JsonNode r = manifest.root();
        if (!isWhisper(manifest)) {
            throw new ModelException("model " + manifest.dir().getFileName() + " is not a Whisper export (format "
                    + r.path("format").asText("missing") + ")");
        }
        if (r.path("format_version").asInt() != FORMAT_VERSION) {
            throw new ModelException("model " + manifest.dir().getFileName() + " has Whisper graphs of format_version "
                    + r.path("format_version").asText("missing") + "; this service runs " + FORMAT_VERSION + ": export it again with onnx-export");
        }
        JsonNode d = r.path("dims");
        JsonNode a = r.path("audio");
        JsonNode s = r.path("special_tokens");
        Map<String, Integer> languages = new LinkedHashMap<>();
        r.path("languages").fields().forEachRemaining(e -> languages.put(e.getKey(), e.getValue().asInt()));
        JsonNode mel = r.path("mel_filters");
        return new WhisperManifest(
                r.path("model_name").asText(manifest.dir().getFileName().toString()),
                precision(r),
                r.path("multilingual").asBoolean(),
                new Dims(req(d, "n_mels"), req(d, "n_audio_ctx"), req(d, "n_vocab"), req(d, "n_text_ctx"),
                        req(d, "n_text_layer"), req(d, "n_text_head"), req(d, "n_text_state")),
                new Audio(req(a, "sample_rate"), req(a, "n_fft"), req(a, "hop_length"), req(a, "chunk_length"),
                        req(a, "n_samples"), req(a, "n_frames")),
                new SpecialTokens(req(s, "eot"), req(s, "sot"), req(s, "translate"), req(s, "transcribe"), req(s, "sot_lm"),
                        req(s, "sot_prev"), req(s, "no_speech"), req(s, "no_timestamps"), req(s, "timestamp_begin")),
                Collections.unmodifiableMap(languages),
                ints(r.path("suppress_tokens")),
                ints(r.path("begin_suppress_tokens")),
                r.path("graphs").path("encoder").path("file").asText("encoder.onnx"),
                r.path("graphs").path("decoder").path("file").asText("decoder.onnx"),
                r.path("tokenizer").asText("tokenizer.json"),
                mel.path("file").asText("mel_filters.f32"),
                new int[] {mel.path("shape").path(0).asInt(), mel.path("shape").path(1).asInt()},
                r.path("vad").path("file").asText(null),
                // Exports before word timestamps have no alignment graph: they load, and words answer 400.
                r.path("graphs").path("alignment").path("file").asText(null));
    }

    /** What the graphs compute in: fp32, fp16, or int8 for the export's quantized graphs (I/O is fp32 in every case). */
    public static String precision(JsonNode manifest) {
        JsonNode quantization = manifest.path("quantization");
        return quantization.isTextual() ? quantization.asText() : manifest.path("precision").asText(null);
    }

    /** Seconds per timestamp token: two mel frames per encoder position. */
    public double timePrecision() {
        return (double) audio.nFrames() / dims.nAudioCtx() * audio.hopLength() / audio.sampleRate();
    }

    /** Mel frames per encoder position (2). */
    public int inputStride() {
        return audio.nFrames() / dims.nAudioCtx();
    }

    public double framesPerSecond() {
        return (double) audio.sampleRate() / audio.hopLength();
    }

    private static int req(JsonNode node, String field) {
        if (!node.path(field).isNumber()) {
            throw new ModelException("manifest has no numeric " + field);
        }
        return node.path(field).asInt();
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return List.copyOf(out);
    }
}
