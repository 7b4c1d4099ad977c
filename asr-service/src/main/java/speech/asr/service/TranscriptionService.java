package speech.asr.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import speech.asr.config.AsrConfig;
import speech.asr.whisper.DecodingOptions;
import speech.asr.whisper.Segment;
import speech.asr.whisper.Task;
import speech.asr.whisper.Transcriber;
import speech.asr.whisper.Transcript;
import speech.asr.whisper.Vad;
import speech.asr.whisper.WhisperEngine;
import speech.asr.whisper.WhisperModel;
import speech.runtime.audio.AudioDecodeException;
import speech.runtime.audio.FfmpegDecoder;
import speech.runtime.audio.Pcm;
import speech.runtime.audio.PcmWav;
import speech.runtime.engine.Job;
import speech.runtime.config.RuntimeConfig;
import speech.runtime.http.ApiException;
import speech.runtime.http.UploadLimit;
import speech.runtime.model.ModelRegistry;
import speech.runtime.work.InferenceQueue;

/** Checks a command against the model and the limits, then decodes the audio and runs the Transcriber on the bounded queue. */
@ApplicationScoped
public class TranscriptionService {

    public record Result(Transcript transcript, String model, double processingSeconds) {
    }

    /** What a transcription reports while it runs, on its worker thread: the audio is decoded, then each segment in order. */
    public interface Progress {
        Progress NONE = new Progress() {
        };

        /** The upload decoded to {@code audioSeconds} of audio and the model's work begins: no 4xx can follow. */
        default void started(double audioSeconds) {
        }

        default void segment(Segment segment) {
        }
    }

    private final AsrConfig config;
    private final ModelRegistry<LoadedModel> models;
    private final FfmpegDecoder ffmpeg;
    private final InferenceQueue queue;
    private final Duration timeout;
    private final UploadLimit uploadLimit;
    private final MeterRegistry registry;
    private final ExecutorService piecePool = Executors.newVirtualThreadPerTaskExecutor();
    private final Counter audioSeconds;
    private final Counter wavDecodes;
    private final Counter ffmpegDecodes;
    private final DistributionSummary realTimeFactor;

    public TranscriptionService(AsrConfig config, RuntimeConfig runtime, ModelRegistry<LoadedModel> models, FfmpegDecoder ffmpeg,
                                InferenceQueue queue, UploadLimit uploadLimit, MeterRegistry registry) {
        this.config = config;
        this.models = models;
        this.ffmpeg = ffmpeg;
        this.queue = queue;
        this.timeout = runtime.queue().timeout();
        this.uploadLimit = uploadLimit;
        this.registry = registry;
        this.audioSeconds = Counter.builder("asr.audio.seconds").description("seconds of audio transcribed").register(registry);
        this.wavDecodes = decodes(registry, "wav");
        this.ffmpegDecodes = decodes(registry, "ffmpeg");
        this.realTimeFactor = DistributionSummary.builder("asr.real.time.factor")
                .description("processing time / audio duration per request").register(registry);
    }

    private static Counter decodes(MeterRegistry registry, String path) {
        return Counter.builder("asr.decode").tag("path", path).description("uploads decoded in-process (wav) or by ffmpeg").register(registry);
    }

    @PreDestroy
    void close() {
        piecePool.shutdownNow();
    }

    public Result transcribe(TranscribeCommand command) {
        return transcribe(command, Progress.NONE);
    }

    /** {@link #transcribe(TranscribeCommand)} telling {@code progress} when the work starts and each segment as it is final. */
    public Result transcribe(TranscribeCommand command, Progress progress) {
        checkFile(command);
        try (ModelRegistry.Lease<LoadedModel> lease = models.acquire(command.model())) {
            return transcribe(command, lease, progress, null);
        }
    }

    /** A live session's model, held (never unloaded) until the session closes it; its VAD when the export ships one. */
    public record LiveModel(String id, int sampleRate, Optional<Vad> vad, ModelRegistry.Lease<LoadedModel> lease) implements AutoCloseable {
        /** Another hold on the same model, for work that may outlive this one (a committed item). */
        public LiveModel retain() {
            return new LiveModel(id, sampleRate, vad, lease.retain());
        }

        @Override
        public void close() {
            lease.close();
        }
    }

    /** Checks what a live session asks for (the model exists: 404; the language fits it: 400) and holds the model for it. */
    public LiveModel live(String model, String language) {
        ModelRegistry.Lease<LoadedModel> lease = models.acquire(model);
        try {
            WhisperModel m = lease.model().model();
            language(language, m);
            return new LiveModel(m.id(), m.spec().audio().sampleRate(), m.vad(), lease);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /**
     * Transcribes a live session's committed audio (mono samples at the model's rate) on the same queue
     * and engine as files, so its windows share their batches; VAD-filtered like a file.
     */
    public Result transcribe(LiveModel live, float[] samples, String language, String prompt, Progress progress) {
        TranscribeCommand command = new TranscribeCommand(Task.TRANSCRIBE, null, 0, live.id(), language, prompt, 0.0, true, false, false, false);
        try (ModelRegistry.Lease<LoadedModel> lease = live.lease().retain()) {
            return transcribe(command, lease, progress, samples);
        }
    }

    /**
     * Starts {@code command} on a thread of its own and returns once its audio is decoded (every 4xx is
     * thrown before that); the stream then yields each segment as it is final, then the result or the failure.
     */
    public TranscriptionStream stream(TranscribeCommand command) {
        return TranscriptionStream.start(this, command);
    }

    /** {@code samples} at the model's rate, or null to decode the command's file on the worker. */
    private Result transcribe(TranscribeCommand command, ModelRegistry.Lease<LoadedModel> lease, Progress progress, float[] samples) {
        WhisperModel model = lease.model().model();
        DecodingOptions options = options(command, model);
        long start = System.nanoTime();
        Transcript transcript = queue.submit(() -> {
            try (ModelRegistry.Lease<LoadedModel> job = lease.retain()) {
                return run(job.model(), command, samples, options, progress);
            }
        }, timeout);
        double seconds = (System.nanoTime() - start) / 1e9;

        Timer.builder("asr.request").description("transcription requests, queue wait included")
                .tags("model", model.id(), "task", command.task().apiName()).register(registry)
                .record(Duration.ofNanos(System.nanoTime() - start));
        audioSeconds.increment(transcript.duration());
        if (transcript.duration() > 0) {
            realTimeFactor.record(seconds / transcript.duration());
        }
        return new Result(transcript, model.id(), seconds);
    }

    private Transcript run(LoadedModel loaded, TranscribeCommand command, float[] samples, DecodingOptions options, Progress progress) {
        WhisperModel model = loaded.model();
        float[] pcm = samples != null ? samples : decode(command, model);
        progress.started(pcm.length / (double) model.spec().audio().sampleRate());
        // The request queue already bounds the time; the job's own deadline only backs it up.
        WhisperEngine engine = loaded.engine();
        Job<Segment, Transcript> job = engine.open(timeout);
        try {
            Transcript t = new Transcriber(engine, piecePool, config.parallelPieces()).transcribe(job, pcm, options, progress::segment);
            job.complete(t);
            return t;
        } finally {
            job.cancel(); // no-op once complete; otherwise frees its lanes at the next step
        }
    }

    private float[] decode(TranscribeCommand command, WhisperModel model) {
        double maxSeconds = config.maxAudioDuration().toMillis() / 1000.0;
        int rate = model.spec().audio().sampleRate();
        // A 16-bit mono WAV at the model's rate is read in-process (starting ffprobe + ffmpeg costs ~0.25 s); the rest goes to ffmpeg.
        Optional<Pcm> wav = PcmWav.read(command.file(), rate, maxSeconds);
        (wav.isPresent() ? wavDecodes : ffmpegDecodes).increment();
        Pcm pcm = wav.orElseGet(() -> ffmpeg.decode(command.file(), rate, maxSeconds));
        if (pcm.durationSeconds() > maxSeconds) {
            throw ApiException.invalidParam("file", "the audio is longer than the limit of " + config.maxAudioDuration().toSeconds() + " s");
        }
        if (pcm.samples().length < model.spec().audio().hopLength()) {
            throw new AudioDecodeException("the file contains no audio samples");
        }
        return pcm.samples();
    }

    private DecodingOptions options(TranscribeCommand command, WhisperModel model) {
        if (command.task() == Task.TRANSLATE && !model.spec().multilingual()) {
            throw ApiException.invalidParam("model", "model " + model.id() + " is English-only and cannot translate; use a multilingual model");
        }
        if (command.words() && !model.hasWordTimestamps()) {
            throw ApiException.invalidParam("timestamp_granularities[]", "model " + model.id() + " was exported without the "
                    + "alignment graph, so it has no word timestamps; export it again with onnx-export");
        }
        if (command.multilingual() && !model.spec().multilingual()) {
            throw ApiException.invalidParam("multilingual", "model " + model.id() + " is English-only; multilingual needs a multilingual model");
        }
        if (command.multilingual() && command.language() != null) {
            throw ApiException.invalidParam("multilingual", "multilingual detects the language of every window: leave out language");
        }
        DecodingOptions.Builder o = DecodingOptions.defaults().toBuilder().task(command.task())
                .language(language(command.language(), model))
                .initialPrompt(command.prompt())
                .temperatures(DecodingOptions.ladderFrom(command.temperature()))
                .vadFilter(command.vadFilter())
                .wordTimestamps(command.words() || (command.subtitles() && model.hasWordTimestamps()))
                .multilingual(command.multilingual());
        config.beamSize().ifPresent(o::beamSize);
        return o.build();
    }

    private static String language(String requested, WhisperModel model) {
        if (requested == null) {
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

    private void checkFile(TranscribeCommand command) {
        uploadLimit.check(command.fileSize());
        if (command.fileSize() == 0) {
            throw new AudioDecodeException("the uploaded file is empty");
        }
    }
}
