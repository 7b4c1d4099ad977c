package speech.asr.whisper;

import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jboss.logging.Logger;
import speech.runtime.model.Manifest;
import speech.runtime.model.ModelException;
import speech.runtime.ort.Graph;
import speech.runtime.ort.OrtSessions;

/**
 * One loaded Whisper model: both graphs, the manifest, the tokenizer and the mel filters.
 * Immutable and shared by every request (whisper.cpp's "context"); per-call state lives in the
 * Decoder's locals. Closing it closes the ONNX Runtime sessions.
 */
public final class WhisperModel implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WhisperModel.class);

    private final String id;
    private final String sha256;
    private final WhisperManifest spec;
    private final WhisperTokenizer tokenizer;
    private final LogMel logMel;
    private final Graph encoder;
    private final Graph decoder;
    // Graph calls hold the read lock; close() takes the write lock, so a session is never freed under a
    // running call (that is a native crash) when the service stops mid-request.
    private final ReentrantReadWriteLock inUse = new ReentrantReadWriteLock();
    private boolean closed;

    private WhisperModel(String id, String sha256, WhisperManifest spec, WhisperTokenizer tokenizer, LogMel logMel,
                         Graph encoder, Graph decoder) {
        this.id = id;
        this.sha256 = sha256;
        this.spec = spec;
        this.tokenizer = tokenizer;
        this.logMel = logMel;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    /** Loads a model folder whose files were already verified against the manifest. */
    public static WhisperModel load(Manifest manifest, OrtSessions sessions) {
        String id = manifest.dir().getFileName().toString();
        WhisperManifest spec = WhisperManifest.of(manifest);
        WhisperTokenizer tokenizer = WhisperTokenizer.load(manifest.file(spec.tokenizerFile()), spec.special().eot());
        LogMel logMel = LogMel.of(spec, manifest.file(spec.melFiltersFile()));
        Graph encoder = null;
        try {
            encoder = sessions.open(manifest.file(spec.encoderFile()))
                    .expect(Set.of(Encoder.INPUT_FEATURES), Set.of(Encoder.CROSS_K, Encoder.CROSS_V));
            Graph decoder = sessions.open(manifest.file(spec.decoderFile())).expect(Decoder.INPUTS, Decoder.OUTPUTS);
            LOG.infof("loaded Whisper model %s (%s, %s): %s", id, spec.modelName(), sessions.providerInUse(), decoder.describe());
            return new WhisperModel(id, manifest.sha256(), spec, tokenizer, logMel, encoder, decoder);
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

    Graph encoderGraph() {
        return encoder;
    }

    Graph decoderGraph() {
        return decoder;
    }

    /** Runs one call of this model's graph; the caller closes the result. Fails once the model is closed. */
    OrtSession.Result run(Graph graph, Map<String, ? extends OnnxTensorLike> inputs) throws OrtException {
        inUse.readLock().lock();
        try {
            if (closed) {
                throw new CancellationException("model " + id + " is closed (the service is stopping)");
            }
            return graph.run(inputs);
        } finally {
            inUse.readLock().unlock();
        }
    }

    /** Waits for graph calls in flight, then closes both sessions. */
    @Override
    public void close() throws OrtException {
        inUse.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                encoder.close();
            } finally {
                decoder.close();
            }
        } finally {
            inUse.writeLock().unlock();
        }
    }

    private static void closeQuietly(Graph graph) {
        if (graph != null) {
            try {
                graph.close();
            } catch (OrtException ignored) {
                // Already failing with a better message.
            }
        }
    }
}
