package speech.tts.roundtrip;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.vertx.core.buffer.Buffer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.client.api.ClientMultipartForm;
import speech.tts.config.TtsConfig;

/**
 * Sends a generation to the ASR service and scores what it heard against the text that was spoken.
 * Never throws: an unreachable, slow or failing ASR service gives an {@code unavailable} score, and the
 * speech it was asked about is answered all the same.
 */
@ApplicationScoped
public class RoundTrip {

    private static final Logger LOG = Logger.getLogger(RoundTrip.class);

    private final TtsConfig.Asr config;
    private final AsrClient client;
    private final String authorization;
    private final ThreadPoolExecutor later;

    RoundTrip(TtsConfig config, @ConfigProperty(name = "speech.api-key") Optional<String> ownKey) {
        this.config = config.asr();
        this.client = this.config.url().map(url -> QuarkusRestClientBuilder.newBuilder().baseUri(url)
                .connectTimeout(this.config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(this.config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .build(AsrClient.class)).orElse(null);
        this.authorization = this.config.apiKey().or(() -> ownKey).map(String::strip).filter(k -> !k.isEmpty())
                .map(k -> "Bearer " + k).orElse(null);
        // one at a time: scoring shares the machine with synthesis, and a backlog is bounded rather than queued forever
        this.later = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(Math.max(1, this.config.maxPending())),
                r -> Thread.ofPlatform().name("round-trip").daemon().unstarted(r));
        config.asr().url().ifPresent(url -> LOG.infof("round trip: every stored generation is transcribed by %s", url));
    }

    public boolean enabled() {
        return client != null;
    }

    /** Where a browser finds the ASR service's pages, when there is one. */
    public Optional<java.net.URI> pageUrl() {
        return config.pageUrl().or(config::url);
    }

    /**
     * Transcribes {@code wav} (a whole generation) and scores it against {@code text}, retrying failed
     * calls with backoff; waits for the answer.
     */
    public RoundTripScore score(byte[] wav, String text) {
        if (client == null) {
            return RoundTripScore.unavailable("no ASR service configured (tts.asr.url)");
        }
        Duration wait = config.retryBackoff();
        for (int attempt = 0; ; attempt++) {
            try {
                AsrClient.Transcription t = client.transcribe(form(wav), authorization);
                String heard = t.text() == null ? "" : t.text().strip();
                return RoundTripScore.scored(WordErrorRate.of(text, heard), heard, t.model());
            } catch (WebApplicationException e) {
                int status = e.getResponse().getStatus();
                if ((status != 429 && status < 500) || attempt >= config.retries()) {
                    return failed("the ASR service answered " + status + answer(e));
                }
            } catch (ProcessingException e) {
                if (attempt >= config.retries()) {
                    return failed(timedOut(e) ? "the ASR service did not answer within " + config.timeout().toMillis() + " ms"
                            : "the ASR service could not be reached: " + rootMessage(e));
                }
            } catch (RuntimeException e) {
                return failed("the ASR call failed: " + rootMessage(e));
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failed("interrupted");
            }
            wait = wait.multipliedBy(2);
        }
    }

    /**
     * Scores after the answer has gone: {@code done} gets the score from the round-trip thread. A full
     * backlog gets an unavailable score at once rather than growing.
     */
    public void scoreLater(byte[] wav, String text, Consumer<RoundTripScore> done) {
        try {
            later.execute(() -> done.accept(score(wav, text)));
        } catch (RejectedExecutionException e) {
            done.accept(RoundTripScore.unavailable("too many generations waiting to be scored (tts.asr.max-pending)"));
        }
    }

    /** Waits for the scores already queued (tests, shutdown). */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (later.getActiveCount() > 0 || !later.getQueue().isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @PreDestroy
    void stop() {
        later.shutdownNow();
    }

    private ClientMultipartForm form(byte[] wav) {
        ClientMultipartForm form = ClientMultipartForm.create()
                .binaryFileUpload("file", "generation.wav", Buffer.buffer(wav), "audio/wav")
                .attribute("response_format", "verbose_json", null);
        config.model().ifPresent(m -> form.attribute("model", m, null));
        config.language().ifPresent(l -> form.attribute("language", l, null));
        return form;
    }

    private static RoundTripScore failed(String why) {
        LOG.debugf("round trip unavailable: %s", why);
        return RoundTripScore.unavailable(why);
    }

    /** The ASR service's own error message, when its answer carried one. */
    private static String answer(WebApplicationException e) {
        try {
            String body = e.getResponse().readEntity(String.class);
            return body == null || body.isBlank() ? "" : ": " + body.strip();
        } catch (RuntimeException unreadable) {
            return "";
        }
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.SocketTimeoutException
                    || String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("timeout")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? "no detail given" : root.getMessage();
    }
}
