package speech.runtime.http;

import java.util.Map;
import speech.runtime.error.InvalidRequestException;

/**
 * An error the client can act on: HTTP status, a stable code, a message for a person. Thrown by
 * services; mapped to {@link ApiError} once, in {@link ErrorMappers}.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String param;
    private final Map<String, Object> details;
    private final Integer retryAfterSeconds;

    public ApiException(int status, String code, String message, String param, Map<String, Object> details, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.param = param;
        this.details = details == null ? Map.of() : details;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message, null, null, null);
    }

    /** 400 naming the offending request field. */
    public static ApiException invalidParam(String param, String message) {
        return new ApiException(400, InvalidRequestException.invalidCode(param), message, param, null, null);
    }

    public static ApiException notFound(String code, String message, Map<String, Object> details) {
        return new ApiException(404, code, message, null, details, null);
    }

    public static ApiException payloadTooLarge(String message) {
        return new ApiException(413, "payload_too_large", message, null, null, null);
    }

    public static ApiException unsupportedMediaType(String message) {
        return new ApiException(415, "unsupported_media_type", message, null, null, null);
    }

    public static ApiException busy(String message, int retryAfterSeconds) {
        return new ApiException(429, "queue_full", message, null, null, retryAfterSeconds);
    }

    public static ApiException unavailable(String code, String message, int retryAfterSeconds) {
        return new ApiException(503, code, message, null, null, retryAfterSeconds);
    }

    public static ApiException timedOut(String message) {
        return new ApiException(504, "timeout", message, null, null, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    public Map<String, Object> details() {
        return details;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
