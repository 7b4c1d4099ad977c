package speech.asr.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import speech.asr.api.ResponseFormat;
import speech.asr.config.AsrConfig;
import speech.asr.whisper.DecodingOptions;
import speech.asr.whisper.Task;
import speech.asr.whisper.Transcriber;
import speech.asr.whisper.Transcript;
import speech.asr.whisper.WhisperModel;
import speech.runtime.audio.AudioDecodeException;
import speech.runtime.audio.FfmpegDecoder;
import speech.runtime.audio.Pcm;
import speech.runtime.http.ApiException;
import speech.runtime.work.InferenceQueue;

/** Validates a request, then decodes the audio and runs the Transcriber on the bounded queue. */
@ApplicationScoped
public class TranscriptionService {

    public record Result(Transcript transcript, ResponseFormat format, String model, double processingSeconds) {
    }

    private final AsrConfig config;
    private final ModelRegistry models;
    private final FfmpegDecoder ffmpeg;
    private final InferenceQueue queue;
    private final MeterRegistry registry;
    private final ExecutorService piecePool;
    private final Counter audioSeconds;
    private final DistributionSummary realTimeFactor;

    public TranscriptionService(AsrConfig config, ModelRegistry models, FfmpegDecoder ffmpeg, InferenceQueue queue, MeterRegistry registry) {
        this.config = config;
        this.models = models;
        this.ffmpeg = ffmpeg;
        this.queue = queue;
        this.registry = registry;
        AtomicInteger n = new AtomicInteger();
        this.piecePool = Executors.newFixedThreadPool(Math.max(1, config.parallelPieces()), r -> {
            Thread t = new Thread(r, "asr-piece-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.audioSeconds = Counter.builder("asr.audio.seconds").description("seconds of audio transcribed").register(registry);
        this.realTimeFactor = DistributionSummary.builder("asr.real.time.factor")
                .description("processing time / audio duration per request").register(registry);
    }

    @PreDestroy
    void close() {
        piecePool.shutdownNow();
    }

    public Result transcribe(TranscriptionRequest req) {
        ResponseFormat format = ResponseFormat.parse(req.responseFormat()).orElseThrow(() -> ApiException.invalidParam("response_format",
                "response_format '" + req.responseFormat() + "' is not one of " + ResponseFormat.names()));
        checkGranularities(req.timestampGranularities(), format);
        checkFile(req);
        WhisperModel model = models.require(req.model());
        DecodingOptions options = options(req, model);

        long start = System.nanoTime();
        Transcript transcript = queue.submit(() -> run(model, req, options), config.requestTimeout());
        double seconds = (System.nanoTime() - start) / 1e9;

        Timer.builder("asr.request").description("transcription requests, queue wait included")
                .tags("model", model.id(), "task", req.task().apiName()).register(registry)
                .record(java.time.Duration.ofNanos(System.nanoTime() - start));
        audioSeconds.increment(transcript.duration());
        if (transcript.duration() > 0) {
            realTimeFactor.record(seconds / transcript.duration());
        }
        return new Result(transcript, format, model.id(), seconds);
    }

    private Transcript run(WhisperModel model, TranscriptionRequest req, DecodingOptions options) {
        double maxSeconds = config.maxAudioDuration().toMillis() / 1000.0;
        Pcm pcm = ffmpeg.decode(req.file(), model.spec().audio().sampleRate(), maxSeconds);
        if (pcm.durationSeconds() > maxSeconds) {
            throw ApiException.invalidParam("file", "the audio is longer than the limit of " + config.maxAudioDuration().toSeconds() + " s");
        }
        if (pcm.samples().length < model.spec().audio().hopLength()) {
            throw new AudioDecodeException("the file contains no audio samples");
        }
        return new Transcriber(model, piecePool).transcribe(pcm.samples(), options, s -> { });
    }

    private DecodingOptions options(TranscriptionRequest req, WhisperModel model) {
        if (req.task() == Task.TRANSLATE && !model.spec().multilingual()) {
            throw ApiException.invalidParam("model", "model " + model.id() + " is English-only and cannot translate; use a multilingual model");
        }
        DecodingOptions o = DecodingOptions.defaults().withTask(req.task())
                .withLanguage(language(req.language(), model))
                .withInitialPrompt(req.prompt() == null || req.prompt().isBlank() ? null : req.prompt())
                .withTemperatures(DecodingOptions.ladderFrom(temperature(req.temperature())));
        return config.beamSize().map(o::withBeamSize).orElse(o);
    }

    private static String language(String requested, WhisperModel model) {
        if (requested == null || requested.isBlank()) {
            return null;
        }
        String code = requested.strip().toLowerCase(Locale.ROOT);
        if (!model.spec().multilingual()) {
            if (!code.equals("en")) {
                throw ApiException.invalidParam("language", "model " + model.id() + " is English-only; language must be 'en' or omitted");
            }
            return code;
        }
        if (!model.spec().languages().containsKey(code)) {
            throw new ApiException(400, "invalid_language", "language '" + requested + "' is not an ISO 639-1 code this model knows",
                    "language", Map.of("supported", List.copyOf(model.spec().languages().keySet())), null);
        }
        return code;
    }

    private static double temperature(String value) {
        if (value == null || value.isBlank()) {
            return 0.0;
        }
        try {
            double t = Double.parseDouble(value.strip());
            if (t >= 0 && t <= 1) {
                return t;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.invalidParam("temperature", "temperature must be a number between 0 and 1");
    }

    private void checkFile(TranscriptionRequest req) {
        if (req.file() == null) {
            throw ApiException.invalidParam("file", "the form has no 'file' part with the audio");
        }
        if (req.fileSize() > config.maxUploadSize()) {
            throw ApiException.payloadTooLarge("the file is " + req.fileSize() + " bytes; the limit is " + config.maxUploadSize() + " bytes");
        }
        if (req.fileSize() == 0) {
            throw new AudioDecodeException("the uploaded file is empty");
        }
    }

    private static void checkGranularities(List<String> granularities, ResponseFormat format) {
        for (String g : granularities) {
            String v = g == null ? "" : g.strip().toLowerCase(Locale.ROOT);
            if (v.equals("word")) {
                throw ApiException.invalidParam("timestamp_granularities[]", "word timestamps are not supported yet; use 'segment'");
            }
            if (!v.equals("segment")) {
                throw ApiException.invalidParam("timestamp_granularities[]", "timestamp_granularities[] must be 'segment'");
            }
            if (format != ResponseFormat.VERBOSE_JSON) {
                throw ApiException.invalidParam("timestamp_granularities[]", "timestamp_granularities[] needs response_format=verbose_json");
            }
        }
    }
}
