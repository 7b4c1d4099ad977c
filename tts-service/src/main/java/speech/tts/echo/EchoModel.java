package speech.tts.echo;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jboss.logging.Logger;
import speech.runtime.model.Manifest;
import speech.runtime.model.ModelException;
import speech.runtime.ort.Graph;
import speech.runtime.ort.GraphContract;
import speech.runtime.ort.OrtSessions;

/**
 * One exported Echo-TTS folder: the wrappers of its five graphs ({@link Codec}, {@link Conditioning},
 * {@link DitStep}), the manifest constants and the speaker K/V cache. Shared by every request
 * (whisper.cpp's "context"); per-request state lives in {@link Conditioning} results and the sampler. PCA is folded into {@code dac_encode}/{@code dac_decode} by the export (docs/echo-tts-graphs.md).
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
    private final Codec codec;
    private final Conditioning conditioning;
    private final DitStep ditStep;

    private EchoModel(String id, Manifest manifest, Constants constants, Codec codec, Conditioning conditioning, DitStep ditStep) {
        this.id = id;
        this.manifest = manifest;
        this.constants = constants;
        this.codec = codec;
        this.conditioning = conditioning;
        this.ditStep = ditStep;
    }

    /** The export's format tag: whisper and other families share the models folder. */
    public static final String FORMAT = "speech-platform/echo-tts";

    public static boolean isEchoModel(Manifest manifest) {
        return FORMAT.equals(manifest.root().path("format").asText());
    }

    /**
     * Opens every graph of the folder against its wrapper's contract; closes what was opened if one fails.
     *
     * @param speakerCacheBytes budget of this model's speaker K/V cache
     */
    public static EchoModel load(Manifest manifest, OrtSessions sessions, long speakerCacheBytes) {
        if (!isEchoModel(manifest)) {
            throw new ModelException("model " + manifest.dir().getFileName() + " is not an Echo-TTS export (format "
                    + manifest.root().path("format").asText("?") + ")");
        }
        String id = manifest.dir().getFileName().toString();
        List<Graph> opened = new ArrayList<>();
        try {
            Constants constants = Constants.of(manifest);
            Function<GraphContract, Graph> open = contract -> {
                String file = manifest.root().path("graphs").path(contract.name()).path("file").asText(contract.name() + ".onnx");
                try {
                    Graph graph = sessions.open(manifest.file(file), contract);
                    opened.add(graph);
                    return graph;
                } catch (OrtException e) {
                    throw new ModelException("model " + id + ": " + file + " cannot be opened: " + e.getMessage(), e);
                }
            };
            Codec codec = new Codec(open.apply(Codec.ENCODE), open.apply(Codec.DECODE), constants);
            Conditioning conditioning = new Conditioning(open.apply(Conditioning.TEXT_COND), open.apply(Conditioning.SPEAKER_COND),
                    constants, speakerCacheBytes);
            DitStep ditStep = new DitStep(open.apply(DitStep.CONTRACT), id, constants.latentDim());
            LOG.infof("loaded Echo-TTS model %s (%d DiT layers, %s)", id, constants.layers(), sessions.providerInUse());
            return new EchoModel(id, manifest, constants, codec, conditioning, ditStep);
        } catch (OrtException | RuntimeException e) {
            opened.forEach(EchoModel::closeQuietly);
            throw e instanceof ModelException me ? me : new ModelException("model " + id + " cannot be loaded: " + e.getMessage(), e);
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

    public Codec codec() {
        return codec;
    }

    public Conditioning conditioning() {
        return conditioning;
    }

    public DitStep ditStep() {
        return ditStep;
    }

    /** Whether {@code dit_step} takes per-lane conditioning, so text chunks can be batched as lanes. */
    public boolean perLaneConditioning() {
        return ditStep.perLaneConditioning();
    }

    /** Waits for each graph's calls in flight, then frees its session; a later call fails with GraphClosedException. */
    @Override
    public void close() {
        for (AutoCloseable wrapper : new AutoCloseable[] {ditStep, conditioning, codec}) {
            closeQuietly(wrapper);
        }
    }

    private static void closeQuietly(AutoCloseable wrapper) {
        try {
            wrapper.close();
        } catch (Exception e) {
            LOG.warnf("closing a graph of an Echo-TTS model: %s", e.getMessage());
        }
    }
}
