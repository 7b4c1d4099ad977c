package speech.tts.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.util.Optional;
import speech.tts.store.GenerationStore;
import speech.tts.store.GenerationStore.Generation;
import speech.tts.store.Page;

/** Stored generations: listing (optionally per voice), lookup, audio, deletion. */
@ApplicationScoped
public class GenerationService {

    private final GenerationStore store;

    GenerationService(GenerationStore store) {
        this.store = store;
    }

    public Page<Generation> list(String voiceId, int limit, int offset) {
        return store.list(voiceId, limit, offset);
    }

    public Optional<Generation> get(String id) {
        return store.get(id);
    }

    /** The generation's audio; the caller (the response) closes the stream. */
    public Optional<InputStream> audio(String id) {
        return store.get(id).flatMap(g -> store.openAudio(g.id()));
    }

    public boolean delete(String id) {
        return store.delete(id);
    }
}
