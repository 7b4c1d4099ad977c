package speech.tts.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import speech.runtime.audio.AudioEncoder;
import speech.runtime.audio.AudioFormat;
import speech.runtime.audio.Wav;
import speech.runtime.http.ApiException;
import speech.tts.store.GenerationStore;
import speech.tts.store.GenerationStore.Generation;
import speech.tts.store.Page;

/** Stored generations: listing (optionally per voice), lookup, audio, deletion. */
@ApplicationScoped
public class GenerationService {

    /** A generation's audio: the stored stream, or the bytes of a conversion. */
    public record Clip(Object body, String mediaType, String extension) {
    }

    private final GenerationStore store;
    private final AudioEncoder encoder;

    GenerationService(GenerationStore store, AudioEncoder encoder) {
        this.store = store;
        this.encoder = encoder;
    }

    public Page<Generation> list(String voiceId, int limit, int offset) {
        return store.list(voiceId, limit, offset);
    }

    public Optional<Generation> get(String id) {
        return store.get(id);
    }

    /**
     * The audio as stored (a stream the response closes), or converted to {@code format} (wav, flac, mp3 …) when that differs: the pages
     * offer every format of one generation without synthesising it again. Only a WAV generation is
     * converted (the lossless one; the pages speak in it).
     */
    public Optional<Clip> audio(String id, String format) {
        Optional<Generation> found = store.get(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Generation g = found.get();
        AudioFormat stored = AudioFormat.parse(g.format()).orElseThrow();
        AudioFormat target = format == null || format.isBlank() ? stored : AudioFormat.parse(format)
                .orElseThrow(() -> ApiException.invalidParam("format", "format must be one of " + AudioFormat.names()));
        if (target == stored) {
            return store.openAudio(id).map(in -> new Clip(in, g.mediaType(), stored.extension()));
        }
        if (stored != AudioFormat.WAV) {
            throw ApiException.invalidParam("format", "only a generation stored as wav can be converted; this one is " + g.format());
        }
        return store.openAudio(id).map(in -> {
            try (in) {
                return new Clip(encoder.encode(Wav.decode(in.readAllBytes()), target), target.mediaType(), target.extension());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    public boolean delete(String id) {
        return store.delete(id);
    }
}
