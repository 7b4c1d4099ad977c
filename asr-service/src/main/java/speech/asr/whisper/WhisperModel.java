package speech.asr.whisper;

import ai.onnxruntime.OrtException;
import java.util.Optional;
import org.jboss.logging.Logger;
import speech.runtime.model.Manifest;
import speech.runtime.model.ModelException;
import speech.runtime.ort.Graph;
import speech.runtime.ort.OrtSessions;

/**
 * One loaded Whisper model: the encoder and decoder wrappers, the manifest, the tokenizer and the
 * mel filters. Immutable and shared by every request (whisper.cpp's "context"); the decoding state
 * lives in a {@link DecoderState} of the model's {@link WhisperEngine}. Closing it closes the ONNX Runtime sessions, each after its running calls.
 */
public final class WhisperModel implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WhisperModel.class);

    private final String id;
    private final String sha256;
    private final WhisperManifest spec;
    private final WhisperTokenizer tokenizer;
    private final LogMel logMel;
    private final Encoder encoder;
    private final Decoder decoder;
    private final Vad vad;
    private final Aligner aligner;

    private WhisperModel(String id, String sha256, WhisperManifest spec, WhisperTokenizer tokenizer, LogMel logMel,
                         Encoder encoder, Decoder decoder, Vad vad, Aligner aligner) {
        this.id = id;
        this.sha256 = sha256;
        this.spec = spec;
        this.tokenizer = tokenizer;
        this.logMel = logMel;
        this.encoder = encoder;
        this.decoder = decoder;
        this.vad = vad;
        this.aligner = aligner;
    }

    /** Loads a model folder whose files were already verified against the manifest. */
    public static WhisperModel load(Manifest manifest, OrtSessions sessions) {
        String id = manifest.dir().getFileName().toString();
        WhisperManifest spec = WhisperManifest.of(manifest);
        WhisperTokenizer tokenizer = WhisperTokenizer.load(manifest.file(spec.tokenizerFile()), spec.special().eot());
        LogMel logMel = LogMel.of(spec, manifest.file(spec.melFiltersFile()));
        Encoder encoder = null;
        try {
            encoder = new Encoder(sessions.open(manifest.file(spec.encoderFile()), Encoder.contract(spec.dims().nTextLayer())), spec);
            Graph decoderGraph = sessions.open(manifest.file(spec.decoderFile()), Decoder.contract(spec.dims().nTextLayer()));
            LOG.infof("loaded Whisper model %s (%s, %s): %s", id, spec.modelName(), sessions.providerInUse(), decoderGraph.describe());
            Vad vad = spec.vadFile() == null ? null : new Vad(sessions.open(manifest.file(spec.vadFile()), Vad.CONTRACT));
            Aligner aligner = spec.alignmentFile() == null ? null
                    : new Aligner(sessions.open(manifest.file(spec.alignmentFile()), Aligner.contract(spec.dims().nTextLayer())));
            return new WhisperModel(id, manifest.sha256(), spec, tokenizer, logMel, encoder, new Decoder(decoderGraph), vad, aligner);
        } catch (OrtException | IllegalStateException e) {
            closeQuietly(encoder);
            throw new ModelException("model " + id + " cannot be opened: " + e.getMessage(), e);
        }
    }

    public String id() {
        return id;
    }

    /** sha256 of manifest.json, which names every other file's hash. */
    public String sha256() {
        return sha256;
    }

    public WhisperManifest spec() {
        return spec;
    }

    public WhisperTokenizer tokenizer() {
        return tokenizer;
    }

    public LogMel logMel() {
        return logMel;
    }

    Encoder encoder() {
        return encoder;
    }

    Decoder decoder() {
        return decoder;
    }

    /** The alignment graph for word timestamps, when the export has one. */
    Optional<Aligner> aligner() {
        return Optional.ofNullable(aligner);
    }

    /** Whether this export can give word timestamps (it has the alignment graph). */
    public boolean hasWordTimestamps() {
        return aligner != null;
    }

    /** Silero VAD, when the export shipped it. */
    public Optional<Vad> vad() {
        return Optional.ofNullable(vad);
    }

    /** Waits for the graph calls in flight, then closes both sessions; a later call fails with GraphClosedException. */
    @Override
    public void close() throws OrtException {
        try {
            encoder.close();
        } finally {
            try {
                decoder.close();
            } finally {
                try {
                    if (vad != null) {
                        vad.close();
                    }
                } finally {
                    if (aligner != null) {
                        aligner.close();
                    }
                }
            }
        }
    }

    private static void closeQuietly(Encoder encoder) {
        if (encoder != null) {
            try {
                encoder.close();
            } catch (OrtException ignored) {
                // Already failing with a better message.
            }
        }
    }
}
