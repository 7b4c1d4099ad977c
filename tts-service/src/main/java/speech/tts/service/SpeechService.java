package speech.tts.service;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import speech.runtime.audio.AudioEncoder;
import speech.runtime.audio.AudioFormat;
import speech.runtime.audio.Pcm;
import speech.runtime.engine.Job;
import speech.runtime.http.ApiException;
import speech.runtime.http.DiskBudget;
import speech.tts.config.TtsConfig;
import speech.tts.echo.EchoModel;
import speech.tts.echo.SamplerSettings;
import speech.tts.echo.Synthesizer;
import speech.tts.store.GenerationStore;
import speech.tts.store.GenerationStore.Generation;
import speech.tts.store.Ids;
import speech.tts.store.VoiceStore.Voice;

/**
 * Text (+ voice) → audio: validates the request, runs the synthesis on the bounded queue, encodes
 * the requested format and stores the generation.
 */
@ApplicationScoped
public class SpeechService {

    /** Audio and the stored record of one request. */
    public record Speech(byte[] audio, String mediaType, Generation generation) {
    }

    private static final SecureRandom SEEDS = new SecureRandom();

    private final TtsConfig config;
    private final ModelRegistry models;
    private final VoiceService voices;
    private final GenerationStore generations;
    private final AudioEncoder encoder;
    private final ObjectMapper json;
    private final DistributionSummary rtf;
    private final DistributionSummary stepsPerSecond;
    private final Timer generationTime;

    SpeechService(TtsConfig config, ModelRegistry models, VoiceService voices, GenerationStore generations,
                  AudioEncoder encoder, ObjectMapper json, MeterRegistry registry) {
        this.config = config;
        this.models = models;
        this.voices = voices;
        this.generations = generations;
        this.encoder = encoder;
        this.json = json;
        this.rtf = DistributionSummary.builder("tts_generation_rtf").description("processing time / audio duration")
                .publishPercentiles(0.5, 0.95).register(registry);
        this.stepsPerSecond = DistributionSummary.builder("tts_dit_steps_per_second").description("DiT step calls per second of sampling")
                .register(registry);
        this.generationTime = Timer.builder("tts_generation_seconds").description("time to synthesise one request").register(registry);
    }

    /** Speech for the native API: the generation is kept (within tts.generations.* retention). */
    public Speech speak(SpeakCommand command) {
        return speak(command, true);
    }

    /** Speech for the OpenAI-compatible route: kept only when tts.generations.store-openai is set. */
    public Speech speakOpenAi(SpeakCommand command) {
        return speak(command, config.generations().storeOpenai());
    }

    private Speech speak(SpeakCommand command, boolean store) {
        if (store) {
            new DiskBudget(config.dataDir(), config.minFreeDiskBytes()).require();
        }
        String text = checkText(command.text());
        AudioFormat format = AudioFormat.parse(command.format() == null ? "wav" : command.format())
                .orElseThrow(() -> ApiException.invalidParam("format", "format must be one of " + AudioFormat.names()));
        if (!(command.speed() >= 0.25 && command.speed() <= 4.0)) {
            throw ApiException.invalidParam("speed", "speed must be between 0.25 and 4.0");
        }
        EchoModel model = models.model(command.model());
        Voice voice = command.voice() == null ? null : (command.voiceByName() ? voices.byIdOrName(command.voice()) : voices.get(command.voice()))
                .orElseThrow(() -> ApiException.notFound("voice_not_found", "no voice '" + command.voice() + "'; GET /v1/voices lists them", null));
        if (voice != null && !voice.model().equals(model.id())) {
            throw ApiException.invalidParam("voice_id", "voice " + voice.id() + " was made with model " + voice.model() + ", not " + model.id());
        }
        EchoModel.Constants c = model.constants();
        SamplerSettings settings = command.sampler().applyTo(SamplerSettings.defaults(c.maxLatentLength()))
                .withForceSpeakerDefaults().validate(c.maxLatentLength(), c.layers(), voice != null);
        long seed = command.seed() != null ? command.seed() : SEEDS.nextLong() & Long.MAX_VALUE;

        long start = System.nanoTime();
        Synthesizer synthesizer = models.synthesizer(model);
        Job<float[], Synthesizer.Result> job = synthesizer.open(config.queue().timeout(), piece -> { });
        synthesizer.start(job, text, () -> voices.speaker(model, voice), settings, Synthesizer.seeded(seed));
        Synthesizer.Result result = job.await();
        Pcm pcm = new Pcm(result.audio(), result.sampleRate());
        Pcm spoken = command.speed() == 1.0 ? pcm : encoder.tempo(pcm, command.speed());
        byte[] audio = encoder.encode(spoken, format);
        long elapsedNanos = System.nanoTime() - start;

        double seconds = spoken.durationSeconds();
        record(result, elapsedNanos, seconds);
        Generation generation = new Generation(Ids.next("gen"), voice == null ? null : voice.id(), model.id(), text,
                format.name().toLowerCase(java.util.Locale.ROOT), format.mediaType(), seconds, TimeUnit.NANOSECONDS.toMillis(elapsedNanos),
                seed, settingsJson(settings, command.speed()), audio.length, Instant.ofEpochMilli(System.currentTimeMillis()));
        if (store) {
            generation = generations.save(generation, audio);
        }
        return new Speech(audio, format.mediaType(), generation);
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
