package speech.runtime.http;

import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Content negotiation for audio answers as OpenAI clients expect it: the official Python SDK sends
 * {@code Accept: application/octet-stream} to /v1/audio/speech, others send {@code audio/*}, {@code *}{@code /*},
 * the exact type or nothing. Each of those admits the audio, which keeps its real Content-Type.
 * Only an Accept that admits none of them (say {@code text/html}) is refused, with a JSON 406.
 */
public final class AcceptHeader {

    private AcceptHeader() {
    }

    /** @param accepted the request's acceptable media types (JAX-RS gives {@code *}{@code /*} when there is no Accept) */
    public static boolean admits(List<MediaType> accepted, String mediaType) {
        MediaType actual = MediaType.valueOf(mediaType);
        return accepted.isEmpty() || accepted.stream().anyMatch(a -> a.isCompatible(actual) || a.isCompatible(MediaType.APPLICATION_OCTET_STREAM_TYPE));
    }

    public static void requireAdmits(List<MediaType> accepted, String mediaType) {
        if (!admits(accepted, mediaType)) {
            throw new ApiException(406, "not_acceptable", "this answer is " + mediaType + "; send Accept: " + mediaType
                    + ", audio/*, application/octet-stream or */*", null, null, null);
        }
    }
}
