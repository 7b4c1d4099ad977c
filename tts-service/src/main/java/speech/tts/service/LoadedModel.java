package speech.tts.service;

import java.time.Duration;
import org.jboss.logging.Logger;
import speech.tts.echo.EchoModel;
import speech.tts.echo.Synthesizer;
import speech.tts.echo.WarmUp;

/**
 * An Echo-TTS model with its synthesizer (which owns the model's DiT scheduler): what the registry
 * loads, and unloads, together.
 */
public record LoadedModel(EchoModel model, Synthesizer synthesizer) implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LoadedModel.class);

    public String id() {
        return model.id();
    }

    /** The registry runs this once per load, before the model serves: see {@link WarmUp}. */
    public String warmUp() {
        return WarmUp.run(model, synthesizer);
    }

    /** At shutdown GracefulShutdown ran first; requests in flight get 30 s to finish, then the DiT loop stops. */
    @Override
    public void close() throws InterruptedException {
        if (!synthesizer.drain(Duration.ofSeconds(30))) {
            LOG.warnf("the DiT engine of %s still had work after 30 s; failing it (%s)", model.id(), synthesizer.stats());
        }
        synthesizer.close();
        model.close();
    }
}
