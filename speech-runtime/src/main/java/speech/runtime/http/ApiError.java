package speech.runtime.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The only error body, shaped like OpenAI's so their clients show the message:
 * {@code {"error": {"message": "...", "type": "invalid_request_error", "code": "unknown_model", "details": {...}}}}.
 */
public record ApiError(Body error) {

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Body(String message, String type, String code, String param, Map<String, Object> details) {
    }

    public static ApiError of(int status, String code, String message, String param, Map<String, Object> details) {
        return new ApiError(new Body(message, type(status), code, param, details));
    }

    private static String type(int status) {
        if (status == 401 || status == 403) {
            return "authentication_error";
        }
        if (status == 429 || status == 503 || status == 504) {
            return "server_busy_error";
        }
        return status >= 500 ? "server_error" : "invalid_request_error";
    }
}
