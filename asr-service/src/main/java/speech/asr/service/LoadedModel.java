package speech.asr.service;

import java.time.Duration;
import org.jboss.logging.Logger;
import speech.asr.whisper.WarmUp;
import speech.asr.whisper.WhisperEngine;
import speech.asr.whisper.WhisperModel;

/**
 * A Whisper model with its engine (batching loops and resident decoder state): what the registry
 * loads, and unloads, together.
 */
public record LoadedModel(WhisperModel model, WhisperEngine engine) implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LoadedModel.class);

    public String id() {
        return model.id();
    }

    /** The registry runs this once per load, before the model serves: see {@link WarmUp}. */
    public String warmUp() {
        return WarmUp.run(engine);
    }

    /** At shutdown the request queue drained first; the engine gets 30 s for what is left before it fails it. */
    @Override
    public void close() throws Exception {
        if (!engine.drain(Duration.ofSeconds(30))) {
            LOG.warnf("engine of %s still had work after 30 s; failing it", model.id());
        }
        engine.close();
        model.close();
    }
}
