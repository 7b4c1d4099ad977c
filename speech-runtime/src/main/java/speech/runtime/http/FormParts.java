package speech.runtime.http;

import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** The parts of a multipart form as the services read them: file parts checked, text fields present or absent. */
public final class FormParts {

    private FormParts() {
    }

    /**
     * The one file part called {@code name}, or null when there is none. Two are a 400: the service
     * would otherwise pick one silently. {@code all} is bound with {@code @RestForm(FileUpload.ALL)}.
     */
    public static FileUpload single(List<FileUpload> all, String name) {
        List<FileUpload> named = all == null ? List.of() : all.stream().filter(u -> name.equals(u.name())).toList();
        if (named.size() > 1) {
            throw ApiException.invalidParam(name, "the form has " + named.size() + " '" + name + "' parts; send exactly one");
        }
        return named.isEmpty() ? null : named.get(0);
    }

    /**
     * An optional text field: empty when absent or blank. The one rule for every optional field, because Swagger UI's
     * try-out and generated clients send each field of the form, empty when it was not filled.
     */
    public static Optional<String> field(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    /** The non-blank items of a repeated field: an empty item is an absent one, as with {@link #field(String)}. */
    public static List<String> items(List<String> values) {
        return values == null ? List.of() : values.stream().flatMap(v -> field(v).stream()).toList();
    }
}
