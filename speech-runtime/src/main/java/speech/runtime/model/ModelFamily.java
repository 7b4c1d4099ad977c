package speech.runtime.model;

import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The part of a {@link ModelRegistry} that differs per service.
 *
 * @param name    shown in messages, e.g. "Whisper"
 * @param accepts whether a folder holds this family's export (a shared models folder may hold others)
 * @param loader  opens the model of a folder whose files were just verified against its manifest
 * @param aliases model names clients send that mean the default model (OpenAI's, e.g. {@code whisper-1})
 * @param warmUp  one short inference through every graph of a freshly loaded model, before any request
 *                may use it, so the provider's first-call setup (cuDNN handles, memory arenas) is paid
 *                before traffic; returns what it ran, for readiness and the log
 */
public record ModelFamily<M extends AutoCloseable>(String name, Predicate<Manifest> accepts, Function<Manifest, M> loader,
                                                   Set<String> aliases, Function<M, String> warmUp) {

    /** A family whose models need no warm-up. */
    public ModelFamily(String name, Predicate<Manifest> accepts, Function<Manifest, M> loader, Set<String> aliases) {
        this(name, accepts, loader, aliases, model -> "none");
    }

    boolean owns(Manifest manifest) {
        return accepts.test(manifest);
    }

    M load(Manifest manifest) {
        return loader.apply(manifest);
    }

    String warmUp(M model) {
        return warmUp.apply(model);
    }
}
