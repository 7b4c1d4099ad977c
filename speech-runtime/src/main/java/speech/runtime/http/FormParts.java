package speech.runtime.http;

import java.util.List;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Checks on the file parts of a multipart form, which RESTEasy binds without complaint. */
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
}
