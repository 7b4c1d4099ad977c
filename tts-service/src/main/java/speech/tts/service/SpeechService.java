package speech.tts.service;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import speech.runtime.audio.AudioEncoder;
import speech.runtime.audio.AudioFormat;
import speech.runtime.audio.Pcm;
import speech.runtime.audio.Wav;
import speech.runtime.engine.Job;
import speech.runtime.config.RuntimeConfig;
import speech.runtime.http.ApiException;
import speech.runtime.model.ModelRegistry;
import speech.runtime.http.DiskBudget;
import speech.tts.config.TtsConfig;
import speech.tts.echo.EchoModel;
import speech.tts.echo.SamplerSettings;
import speech.tts.echo.Synthesizer;
import speech.tts.store.GenerationStore;
import speech.tts.store.GenerationStore.Generation;
import speech.tts.store.Ids;
import speech.tts.store.VoiceStore.Voice;
import speech.tts.roundtrip.RoundTrip;
import speech.tts.roundtrip.RoundTripScore;

/**
 * Text (+ voice) → audio: validates the request, runs the synthesis on the bounded queue, encodes
 * the requested format and stores the generation.
 */
@ApplicationScoped
public class SpeechService {

    /** Audio and the stored record of one request; {@code wav} is what the round trip sends (null when it is off). */
    public record Speech(byte[] audio, String mediaType, Generation generation, long firstAudioMillis, byte[] wav) {
    }

    private static final SecureRandom SEEDS = new SecureRandom();

    private final TtsConfig config;
    private final ModelRegistry<LoadedModel> models;
    private final Duration timeout;
    private final VoiceService voices;
    private final GenerationStore generations;
    private final AudioEncoder encoder;
    private final ObjectMapper json;
    private final DistributionSummary rtf;
    private final DistributionSummary stepsPerSecond;
    private final Timer generationTime;
    private final Timer timeToFirstAudio;
    private final RoundTrip roundTrip;

    SpeechService(TtsConfig config, RuntimeConfig runtime, ModelRegistry<LoadedModel> models, VoiceService voices,
                  GenerationStore generations, AudioEncoder encoder, ObjectMapper json, MeterRegistry registry, RoundTrip roundTrip) {
        this.config = config;
        this.roundTrip = roundTrip;
        this.models = models;
        this.timeout = runtime.queue().timeout();
        this.voices = voices;
        this.generations = generations;
        this.encoder = encoder;
        this.json = json;
        this.rtf = DistributionSummary.builder("tts_generation_rtf").description("processing time / audio duration")
                .publishPercentiles(0.5, 0.95).register(registry);
        this.stepsPerSecond = DistributionSummary.builder("tts_dit_steps_per_second").description("DiT step calls per second of sampling")
                .register(registry);
        this.timeToFirstAudio = Timer.builder("tts_time_to_first_audio_seconds").description("request start → first final audio piece")
                .publishPercentiles(0.5, 0.95).register(registry);
        this.generationTime = Timer.builder("tts_generation_seconds").description("time to synthesise one request").register(registry);
    }

    /** A request checked against the model, voice and limits, with its generation id and seed fixed before any audio. */
    public record Prepared(SpeakCommand command, String text, AudioFormat format, EchoModel model, Voice voice, SamplerSettings settings,
                           long seed, String generationId, boolean store) {

        Prepared withSeed(long newSeed) {
            return new Prepared(command, text, format, model, voice, settings, newSeed, generationId, store);
        }
    }

    /** Speech for the native API: the generation is kept (within tts.generations.* retention). */
    public Speech speak(SpeakCommand command) {
        return speak(prepare(command), null, cancel -> { });
    }

    /** A native API request, validated; its generation is kept. */
    public Prepared prepare(SpeakCommand command) {
        return prepare(command, true);
    }

    /** An OpenAI-compatible request, validated; kept only when tts.generations.store-openai is set. */
    public Prepared prepareOpenAi(SpeakCommand command) {
        return prepare(command, config.generations().storeOpenai());
    }

    /** Validates everything a request can get wrong (4xx) before a streamed answer commits to 200. */
    private Prepared prepare(SpeakCommand command, boolean store) {
        if (store) {
            new DiskBudget(config.dataDir(), config.minFreeDiskBytes()).require();
        }
        String text = checkText(command.text());
        AudioFormat format = AudioFormat.parse(command.format() == null ? "wav" : command.format())
                .orElseThrow(() -> ApiException.invalidParam("format", "format must be one of " + AudioFormat.names()));
        if (!(command.speed() >= 0.25 && command.speed() <= 4.0)) {
            throw ApiException.invalidParam("speed", "speed must be between 0.25 and 4.0");
        }
        EchoModel model = modelFor(command.model());
        Voice voice = command.voice() == null ? null : (command.voiceByName() ? voices.byIdOrName(command.voice()) : voices.get(command.voice()))
                .orElseThrow(() -> ApiException.notFound("voice_not_found", "no voice '" + command.voice() + "'; GET /v1/voices lists them", null));
        if (voice != null && !voice.model().equals(model.id())) {
            throw ApiException.invalidParam("voice_id", "voice " + voice.id() + " was made with model " + voice.model() + ", not " + model.id());
        }
        EchoModel.Constants c = model.constants();
        SamplerSettings settings = command.sampler().applyTo(SamplerSettings.defaults(c.maxLatentLength()))
                .withForceSpeakerDefaults().validate(c.maxLatentLength(), c.layers(), voice != null);
        if (command.verify() != null && !roundTrip.enabled()) {
            throw ApiException.invalidParam("verify", "verify needs the round trip, and this service has no ASR service configured (tts.asr.url)");
        }
        long seed = command.seed() != null ? command.seed() : newSeed();
        return new Prepared(command, text, format, model, voice, settings, seed, Ids.next("gen"), store);
    }

    /**
     * Synthesises on the model's DiT scheduler, encodes and stores the generation.
     *
     * @param stream       where the encoded audio goes as each chunk is final (null: only the whole clip is returned);
     *                     an IOException from it (client gone) cancels the request
     * @param onClientGone registers the action to run when the client disconnects (cancels the request)
     */
    public Speech speak(Prepared p, AudioStream.Out stream, Consumer<Runnable> onClientGone) {
        if (stream != null && p.command().speed() != 1.0) {
            throw ApiException.invalidParam("speed", "a streamed answer is spoken at speed 1.0");
        }
        if (stream != null && p.command().verify() != null) {
            throw ApiException.invalidParam("verify", "a streamed answer cannot be regenerated: send verify without stream_format");
        }
        try (ModelRegistry.Lease<LoadedModel> lease = models.acquire(p.model().id())) {
            if (p.command().verify() != null) {
                return verified(p, onClientGone, lease.model());
            }
            Speech speech = synthesise(p, stream, onClientGone, lease.model());
            if (!p.store()) {
                return speech;
            }
            if (!roundTrip.enabled()) {
                return stored(speech, null);
            }
            Speech saved = stored(speech, RoundTripScore.pending());
            String id = saved.generation().id();
            roundTrip.scoreLater(speech.wav(), p.text(), score -> generations.setRoundTrip(id, score.toJson()));
            return saved;
        }
    }

    /**
     * {@code verify}: synthesises with a new seed while the round-trip score is worse than asked, up to the
     * attempts allowed, and keeps the best (lowest WER). An unavailable score ends the loop: the ASR service
     * is down, and trying again would only cost synthesis.
     */
    private Speech verified(Prepared first, Consumer<Runnable> onClientGone, LoadedModel loaded) {
        SpeakCommand.Verify verify = first.command().verify();
        List<Speech> made = new ArrayList<>();
        List<RoundTripScore> scores = new ArrayList<>();
        int best = 0;
        for (int i = 0; i < verify.attempts(); i++) {
            Speech attempt = synthesise(i == 0 ? first : first.withSeed(newSeed()), null, onClientGone, loaded);
            RoundTripScore score = roundTrip.score(attempt.wav(), first.text());
            made.add(attempt);
            scores.add(score);
            if (better(score, scores.get(best))) {
                best = i;
            }
            if (!score.isScored() || score.wer() <= verify.maxWer()) {
                break;
            }
        }
        List<RoundTripScore.Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < made.size(); i++) {
            attempts.add(scores.get(i).attempt(made.get(i).generation().seed(), i == best));
        }
        return stored(made.get(best), scores.get(best).withAttempts(verify.maxWer(), attempts));
    }

    /** A scored attempt beats an unscored one; between scored ones the lower WER wins, the earlier on a tie. */
    private static boolean better(RoundTripScore candidate, RoundTripScore current) {
        if (!candidate.isScored()) {
            return false;
        }
        return !current.isScored() || candidate.wer() < current.wer();
    }

    private Speech stored(Speech s, RoundTripScore score) {
        Generation saved = generations.save(s.generation().withRoundTrip(score == null ? null : score.toJson()), s.audio());
        return new Speech(s.audio(), s.mediaType(), saved, s.firstAudioMillis(), s.wav());
    }

    private static long newSeed() {
        return SEEDS.nextLong() & Long.MAX_VALUE;
    }

    /** The model a request names, for checking the request against; the synthesis holds a lease of its own. */
    private EchoModel modelFor(String requested) {
        try (ModelRegistry.Lease<LoadedModel> lease = models.acquire(requested)) {
            return lease.model().model();
        }
    }

    /** One synthesis, encoded; its generation record is not stored yet. */
    private Speech synthesise(Prepared p, AudioStream.Out stream, Consumer<Runnable> onClientGone, LoadedModel loaded) {
        long start = System.nanoTime();
        long[] firstAudio = {-1};
        BlockingQueue<float[]> pieces = new LinkedBlockingQueue<>();
        Synthesizer synthesizer = loaded.synthesizer();
        Job<float[], Synthesizer.Result> job = synthesizer.open(timeout, piece -> {
            if (firstAudio[0] < 0) {
                firstAudio[0] = System.nanoTime() - start;
                timeToFirstAudio.record(firstAudio[0], TimeUnit.NANOSECONDS);
            }
            pieces.add(piece);
        });
        onClientGone.accept(job::cancel);
        synthesizer.start(job, p.text(), () -> voices.speaker(loaded.model(), p.voice()), p.settings(), Synthesizer.seeded(p.seed()), stream != null);
        if (stream != null) {
            relay(job, pieces, new AudioStream(p.format(), p.model().constants().sampleRate(), encoder, stream), start);
        }
        Synthesizer.Result result = job.await();
        Pcm pcm = new Pcm(result.audio(), result.sampleRate());
        Pcm spoken = p.command().speed() == 1.0 ? pcm : encoder.tempo(pcm, p.command().speed());
        byte[] audio = encoder.encode(spoken, p.format());
        long elapsedNanos = System.nanoTime() - start;

        double seconds = spoken.durationSeconds();
        record(result, elapsedNanos, seconds);
        Voice voice = p.voice();
        Generation generation = new Generation(p.generationId(), voice == null ? null : voice.id(), p.model().id(), p.text(),
                p.format().name().toLowerCase(java.util.Locale.ROOT), p.format().mediaType(), seconds, TimeUnit.NANOSECONDS.toMillis(elapsedNanos),
                p.seed(), settingsJson(p.settings(), p.command().speed()), audio.length, Instant.ofEpochMilli(System.currentTimeMillis()), null);
        // the round trip hears what was answered (after speed), as a WAV the ASR service can always read (raw pcm has no header)
        byte[] wav = roundTrip.enabled() ? Wav.encode(spoken) : null;
        return new Speech(audio, p.format().mediaType(), generation, TimeUnit.NANOSECONDS.toMillis(Math.max(0, firstAudio[0])), wav);
    }

    /** Writes each final piece as it arrives, on the request's thread, until the job ends or its deadline passes. */
    private void relay(Job<float[], Synthesizer.Result> job, BlockingQueue<float[]> pieces, AudioStream audio, long start) {
        long deadline = start + timeout.toNanos();
        try (audio) {
            while (!(job.isDone() && pieces.isEmpty()) && System.nanoTime() - deadline < 0) {
                float[] piece = pieces.poll(50, TimeUnit.MILLISECONDS);
                if (piece != null) {
                    audio.add(piece);
                }
            }
            if (job.result().isDone() && !job.result().isCompletedExceptionally()) {
                audio.finish();
            }
        } catch (IOException e) {
            job.cancel();
            throw ApiException.unavailable("client_gone", "the client went away: " + e.getMessage(), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.cancel();
        }
    }

    /** Spaces of every kind (no-break, ideographic, zero-width), controls and format characters: nothing to say. */
    private static boolean silent(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT;
    }

    private String checkText(String text) {
        if (text == null || text.codePoints().allMatch(SpeechService::silent)) {
            throw ApiException.invalidParam("text", "text must not be empty or only spaces");
        }
        int max = config.speech().maxTextChars();
        if (text.length() > max) {
            throw ApiException.invalidParam("text", "text is " + text.length() + " characters; the limit is " + max);
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch) || ch == '\uFFFD') {
                throw ApiException.invalidParam("text", "text is not valid UTF-8 (character " + i + ")");
            }
        }
        return text;
    }

    private void record(Synthesizer.Result result, long elapsedNanos, double audioSeconds) {
        generationTime.record(elapsedNanos, TimeUnit.NANOSECONDS);
        if (audioSeconds > 0) {
            rtf.record(elapsedNanos / 1e9 / audioSeconds);
        }
        if (result.samplingNanos() > 0) {
            stepsPerSecond.record(result.ditCalls() / (result.samplingNanos() / 1e9));
        }
    }

    /** What a generation stores: the settings as sent to the sampler, and the speed applied after it. */
    record StoredSettings(@JsonUnwrapped SamplerSettings sampler, double speed) {
    }

    private String settingsJson(SamplerSettings settings, double speed) {
        try {
            return json.writeValueAsString(new StoredSettings(settings, speed));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
