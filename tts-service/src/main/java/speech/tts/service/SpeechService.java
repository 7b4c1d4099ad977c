package speech.tts.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import speech.runtime.audio.AudioEncoder;
import speech.runtime.audio.AudioFormat;
import speech.runtime.audio.Pcm;
import speech.runtime.http.ApiException;
import speech.runtime.work.InferenceQueue;
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
    private final InferenceQueue queue;
    private final AudioEncoder encoder;
    private final ObjectMapper json;
    private final DistributionSummary rtf;
    private final DistributionSummary stepsPerSecond;
    private final Timer generationTime;

    SpeechService(TtsConfig config, ModelRegistry models, VoiceService voices, GenerationStore generations, InferenceQueue queue,
                  AudioEncoder encoder, ObjectMapper json, MeterRegistry registry) {
        this.config = config;
        this.models = models;
        this.voices = voices;
        this.generations = generations;
        this.queue = queue;
        this.encoder = encoder;
        this.json = json;
        this.rtf = DistributionSummary.builder("tts_generation_rtf").description("processing time / audio duration")
                .publishPercentiles(0.5, 0.95).register(registry);
        this.stepsPerSecond = DistributionSummary.builder("tts_dit_steps_per_second").description("DiT step calls per second of sampling")
                .register(registry);
        this.generationTime = Timer.builder("tts_generation_seconds").description("time to synthesise one request").register(registry);
    }

    public Speech speak(SpeechJob job) {
        String text = checkText(job.text());
        AudioFormat format = AudioFormat.parse(job.format() == null ? "wav" : job.format())
                .orElseThrow(() -> ApiException.invalidParam("format", "format must be one of " + AudioFormat.names()));
        if (!(job.speed() >= 0.25 && job.speed() <= 4.0)) {
            throw ApiException.invalidParam("speed", "speed must be between 0.25 and 4.0");
        }
        EchoModel model = models.model(job.model());
        Voice voice = job.voice() == null ? null : (job.voiceByName() ? voices.byIdOrName(job.voice()) : voices.get(job.voice()))
                .orElseThrow(() -> ApiException.notFound("voice_not_found", "no voice '" + job.voice() + "'; GET /v1/voices lists them", null));
        if (voice != null && !voice.model().equals(model.id())) {
            throw ApiException.invalidParam("voice_id", "voice " + voice.id() + " was made with model " + voice.model() + ", not " + model.id());
        }
        EchoModel.Constants c = model.constants();
        SamplerSettings settings = job.settings().apply(SamplerSettings.defaults(c.maxLatentLength()))
                .withForceSpeakerDefaults().validate(c.maxLatentLength(), c.layers(), voice != null);
        long seed = job.seed() != null ? job.seed() : SEEDS.nextLong() & Long.MAX_VALUE;

        long start = System.nanoTime();
        Synthesizer.Result result = queue.submit(() -> models.synthesizer(model).synthesize(text, voices.speaker(model, voice), settings, seed),
                config.queue().timeout());
        Pcm pcm = new Pcm(result.audio(), result.sampleRate());
        Pcm spoken = job.speed() == 1.0 ? pcm : encoder.tempo(pcm, job.speed());
        byte[] audio = encoder.encode(spoken, format);
        long elapsedNanos = System.nanoTime() - start;

        double seconds = spoken.durationSeconds();
        record(result, elapsedNanos, seconds);
        Generation generation = generations.save(new Generation(Ids.next("gen"), voice == null ? null : voice.id(), model.id(), text,
                format.name().toLowerCase(java.util.Locale.ROOT), format.mediaType(), seconds, TimeUnit.NANOSECONDS.toMillis(elapsedNanos),
                seed, settingsJson(settings, job.speed()), 0, Instant.ofEpochMilli(System.currentTimeMillis())), audio);
        return new Speech(audio, format.mediaType(), generation);
    }

    private String checkText(String text) {
        if (text == null || text.isBlank()) {
            throw ApiException.invalidParam("text", "text must not be empty");
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

    private String settingsJson(SamplerSettings s, double speed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("num_steps", s.numSteps());
        m.put("cfg_scale_text", s.cfgScaleText());
        m.put("cfg_scale_speaker", s.cfgScaleSpeaker());
        m.put("cfg_min_t", s.cfgMinT());
        m.put("cfg_max_t", s.cfgMaxT());
        m.put("truncation_factor", s.truncationFactor());
        m.put("rescale_k", s.rescaleK());
        m.put("rescale_sigma", s.rescaleSigma());
        m.put("speaker_kv_scale", s.speakerKvScale());
        m.put("speaker_kv_max_layers", s.speakerKvMaxLayers());
        m.put("speaker_kv_min_t", s.speakerKvMinT());
        m.put("sequence_length", s.sequenceLength());
        m.put("speed", speed);
        try {
            return json.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
