package speech.tts.echo;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.jboss.logging.Logger;
import speech.runtime.model.Manifest;
import speech.runtime.model.ModelException;
import speech.runtime.ort.Graph;
import speech.runtime.ort.OrtSessions;

/**
 * One exported Echo-TTS folder: its five graphs and the manifest constants. Immutable and shared by
 * every request (whisper.cpp's "context"); per-request state lives in {@link Conditioning} results and
 * the sampler. PCA is folded into {@code dac_encode}/{@code dac_decode} by the export (docs/echo-tts-graphs.md).
 */
public final class EchoModel implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EchoModel.class);

    /** Structural numbers of this export; nothing else in the service hard-codes them. */
    public record Constants(int sampleRate, int samplesPerLatent, int patchSize, int maxTextLength, int maxLatentLength,
                            int speakerChunkSamples, int maxSpeakerFrames, int latentDim, int bosToken, int layers) {

        static Constants of(Manifest m) {
            JsonNode c = m.root().path("constants");
            JsonNode d = m.root().path("dims");
            return new Constants(required(m, c, "sample_rate"), required(m, c, "samples_per_latent"), required(m, c, "patch_size"),
                    required(m, c, "max_text_length"), required(m, c, "max_latent_length"), required(m, c, "speaker_chunk_samples"),
                    required(m, c, "max_speaker_frames"), required(m, c, "latent_dim"), required(m, c, "bos_token"),
                    required(m, d, "n_layers"));
        }

        private static int required(Manifest m, JsonNode node, String field) {
            if (!node.path(field).isNumber()) {
                throw new ModelException("manifest of model " + m.dir().getFileName() + " has no number " + field);
            }
            return node.get(field).asInt();
        }

        public double secondsPerLatent() {
            return samplesPerLatent / (double) sampleRate;
        }
    }

    private final String id;
    private final Manifest manifest;
    private final Constants constants;
    final Graph dacEncode;
    final Graph textCond;
    final Graph speakerCond;
    final Graph ditStep;
    final Graph dacDecode;
    private final boolean perLaneConditioning;

    private EchoModel(String id, Manifest manifest, Graph[] graphs) throws OrtException {
        this.id = id;
        this.manifest = manifest;
        this.constants = Constants.of(manifest);
        this.dacEncode = graphs[0].expect(Set.of("audio"), Set.of("latent"));
        this.textCond = graphs[1].expect(Set.of("text_ids", "text_mask"), Set.of("text_k", "text_v"));
        this.speakerCond = graphs[2].expect(Set.of("speaker_latent", "speaker_mask"), Set.of("speaker_k", "speaker_v", "speaker_patch_mask"));
        this.ditStep = graphs[3].expect(Set.of("x", "t", "text_mask", "speaker_mask", "text_k", "text_v", "speaker_k", "speaker_v", "spk_kv_scale"),
                Set.of("v"));
        this.dacDecode = graphs[4].expect(Set.of("latent"), Set.of("audio"));
        this.perLaneConditioning = conditioningBatchIsDynamic();
    }

    /** The export's format tag: whisper and other families share the models folder. */
    public static final String FORMAT = "speech-platform/echo-tts";

    public static boolean isEchoModel(Manifest manifest) {
        return FORMAT.equals(manifest.root().path("format").asText());
    }

    /** Opens every graph of the folder; closes what was opened if one fails. */
    public static EchoModel load(Manifest manifest, OrtSessions sessions) {
        if (!isEchoModel(manifest)) {
            throw new ModelException("model " + manifest.dir().getFileName() + " is not an Echo-TTS export (format "
                    + manifest.root().path("format").asText("?") + ")");
        }
        String[] names = {"dac_encode", "text_cond", "speaker_cond", "dit_step", "dac_decode"};
        Graph[] graphs = new Graph[names.length];
        try {
            for (int i = 0; i < names.length; i++) {
                String file = manifest.root().path("graphs").path(names[i]).path("file").asText(names[i] + ".onnx");
                graphs[i] = sessions.open(manifest.file(file));
            }
            EchoModel model = new EchoModel(manifest.dir().getFileName().toString(), manifest, graphs);
            LOG.infof("loaded Echo-TTS model %s (%d DiT layers, %s)", model.id, model.constants.layers(), sessions.providerInUse());
            return model;
        } catch (OrtException | RuntimeException e) {
            for (Graph g : graphs) {
                closeQuietly(g);
            }
            throw e instanceof ModelException me ? me
                    : new ModelException("model " + manifest.dir().getFileName() + " cannot be loaded: " + e.getMessage(), e);
        }
    }

    public String id() {
        return id;
    }

    public Manifest manifest() {
        return manifest;
    }

    public Constants constants() {
        return constants;
    }

    public ByteTokenizer tokenizer() {
        return new ByteTokenizer(constants.maxTextLength(), constants.bosToken());
    }

    /**
     * Whether {@code dit_step} takes per-lane text/speaker K/V (batch axis dynamic), so several text
     * chunks can share one batched step. A graph fixed to batch 1 samples chunks one after another.
     */
    public boolean perLaneConditioning() {
        return perLaneConditioning;
    }

    private boolean conditioningBatchIsDynamic() throws OrtException {
        long[] shape = ((TensorInfo) ditStep.inputInfo().get("text_k").getInfo()).getShape();
        return shape.length == 5 && shape[1] != 1;
    }

    @Override
    public void close() {
        for (Graph g : new Graph[] {dacEncode, textCond, speakerCond, ditStep, dacDecode}) {
            closeQuietly(g);
        }
    }

    private static void closeQuietly(Graph g) {
        if (g != null) {
            try {
                g.close();
            } catch (OrtException e) {
                LOG.warnf("closing %s: %s", g.name(), e.getMessage());
            }
        }
    }
}
