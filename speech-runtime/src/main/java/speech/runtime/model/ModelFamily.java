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
 */
public record ModelFamily<M extends AutoCloseable>(String name, Predicate<Manifest> accepts, Function<Manifest, M> loader,
                                                   Set<String> aliases) {

    boolean owns(Manifest manifest) {
        return accepts.test(manifest);
    }

    M load(Manifest manifest) {
        return loader.apply(manifest);
    }
}
