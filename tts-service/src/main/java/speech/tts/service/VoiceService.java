package speech.tts.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import ai.onnxruntime.OrtException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import speech.runtime.audio.AudioProbe;
import speech.runtime.audio.FfmpegDecoder;
import speech.runtime.audio.Pcm;
import speech.runtime.config.RuntimeConfig;
import speech.runtime.http.ApiException;
import speech.runtime.http.UploadLimit;
import speech.runtime.model.ModelRegistry;
import speech.runtime.http.DiskBudget;
import speech.runtime.work.InferenceQueue;
import speech.tts.config.TtsConfig;
import speech.tts.echo.Codec;
import speech.tts.echo.Conditioning;
import speech.tts.echo.EchoModel;
import speech.tts.store.GenerationStore;
import speech.tts.store.Page;
import speech.tts.store.VoiceStore;
import speech.tts.store.VoiceStore.Voice;

/**
 * Voices: an uploaded reference is checked (size, real container, duration, not silent), encoded
 * once into a speaker latent, and stored atomically with the original bytes.
 */
@ApplicationScoped
public class VoiceService {

    /** Below this peak (−60 dBFS) a reference holds nothing a speaker latent could be made of. */
    private static final float SILENCE_PEAK = 1e-3f;

    private final TtsConfig config;
    private final VoiceStore voices;
    private final GenerationStore generations;
    private final ModelRegistry<LoadedModel> models;
    private final FfmpegDecoder decoder;
    private final InferenceQueue queue;
    private final Duration timeout;
    private final UploadLimit uploadLimit;
    private final AudioProbe probe;

    VoiceService(TtsConfig config, VoiceStore voices, GenerationStore generations, ModelRegistry<LoadedModel> models,
                 FfmpegDecoder decoder, AudioProbe probe, InferenceQueue queue, UploadLimit uploadLimit, RuntimeConfig runtime) {
        this.config = config;
        this.voices = voices;
        this.generations = generations;
        this.models = models;
        this.decoder = decoder;
        this.queue = queue;
        this.timeout = runtime.queue().timeout();
        this.uploadLimit = uploadLimit;
        this.probe = probe;
    }

    public Voice create(String rawName, Path upload) {
        String name = checkName(rawName);
        if (upload == null || !Files.isRegularFile(upload)) {
            throw ApiException.invalidParam("file", "a reference recording is required as multipart field 'file'");
        }
        new DiskBudget(config.dataDir(), config.minFreeDiskBytes()).require();
        uploadLimit.check(size(upload));
        String mediaType = ReferenceAudio.mediaType(probe.probe(upload));
        try (ModelRegistry.Lease<LoadedModel> lease = models.acquire(null)) {
            return create(name, upload, mediaType, lease);
        }
    }

    private Voice create(String name, Path upload, String mediaType, ModelRegistry.Lease<LoadedModel> lease) {
        EchoModel model = lease.model().model();
        Pcm pcm = decoder.decode(upload, model.constants().sampleRate(), config.voices().maxSeconds());
        checkDuration(pcm.durationSeconds());
        if (pcm.peak() < SILENCE_PEAK) {
            throw ApiException.invalidParam("file", "the reference recording is silent; upload 10 s or more of clear speech");
        }
        Codec.Latent latent = queue.submit(() -> {
            try (ModelRegistry.Lease<LoadedModel> work = lease.retain()) {
                return work.model().model().codec().referenceLatent(pcm.samples());
            }
        }, timeout);
        return voices.create(new VoiceStore.NewVoice(name, pcm.durationSeconds(), mediaType, upload, latent.data(), latent.frames(),
                model.constants().latentDim(), model.id()));
    }

    public Page<Voice> list(int limit, int offset) {
        return voices.list(limit, offset);
    }

    public Optional<Voice> get(String id) {
        return voices.get(id);
    }

    /** A voice by id, or else by exact name (OpenAI clients send names). */
    public Optional<Voice> byIdOrName(String idOrName) {
        return voices.get(idOrName).or(() -> voices.byName(idOrName));
    }

    /** The voice's reference audio; the caller (the response) closes the stream. */
    public Optional<InputStream> audio(String id) {
        return voices.get(id).flatMap(v -> voices.openAudio(v.id()));
    }

    public float[] latent(Voice voice) {
        return voices.latent(voice);
    }

    /** The speaker K/V of a voice (null = unconditioned), from the model's speaker cache. Runs on a queue worker. */
    public Conditioning.Speaker speaker(EchoModel model, Voice voice) throws OrtException {
        return voice == null ? model.conditioning().unconditioned()
                : model.conditioning().speaker(voice.id(), () -> new Codec.Latent(voices.latent(voice), voice.latentFrames()));
    }

    /** Removes the voice and its generations (one transaction in the store, then files). */
    /** A new name for a voice (the same rules as at creation); empty when there is no such voice. */
    public Optional<Voice> rename(String id, String rawName) {
        return voices.rename(id, checkName(rawName));
    }

    private String checkName(String rawName) {
        String name = rawName == null ? "" : rawName.strip();
        int maxName = config.voices().maxNameLength();
        if (name.isEmpty() || name.length() > maxName) {
            throw ApiException.invalidParam("name", "name must be 1 to " + maxName + " characters after trimming, got " + name.length());
        }
        return name;
    }

    public boolean delete(String id) {
        if (!voices.deleteWithGenerations(id, generations)) {
            return false;
        }
        models.forEachLoaded(loaded -> loaded.model().conditioning().forget(id));
        return true;
    }

    private void checkDuration(double seconds) {
        double min = config.voices().minSeconds();
        double max = config.voices().maxSeconds();
        if (seconds < min) {
            throw ApiException.invalidParam("file", String.format(Locale.ROOT,
                    "the reference recording is %.1f s long; it must be at least %.0f s", seconds, min));
        }
        if (seconds > max) {
            throw new ApiException(400, "invalid_file", String.format(Locale.ROOT,
                    "the reference recording is longer than the %.0f s limit", max), "file", Map.of("max_seconds", max), null);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
