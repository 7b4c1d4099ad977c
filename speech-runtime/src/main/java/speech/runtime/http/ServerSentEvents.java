package speech.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Server-sent events as OpenAI streams them, for both services: an {@code event:} line naming the type
 * and one {@code data:} line of JSON whose {@code type} repeats it. A failure after the stream started
 * (the status line is gone) is an {@code error} event carrying the error body the status would have had.
 */
public final class ServerSentEvents {

    public static final String MEDIA_TYPE = "text/event-stream";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerSentEvents() {
    }

    /** One event: {@code {"type": type, ...fields}} in field order. */
    public static byte[] event(String type, Map<String, ?> fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.putAll(fields);
        return event(type, (Object) body);
    }

    /** One event whose body (a record whose first component is {@code type}) is written as it is. */
    public static byte[] event(String type, Object body) {
        try {
            return ("event: " + type + "\ndata: " + JSON.writeValueAsString(body) + "\n\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event that cannot be written as JSON: " + type, e);
        }
    }

    /** {@code {"type": "error", "error": {...}, "status": 504}}: what {@link ErrorMappers} answers the failure with. */
    public static byte[] error(Throwable failure) {
        Response answer = ErrorMappers.answer(failure);
        ApiError error = (ApiError) answer.getEntity();
        return event("error", Map.of("error", error.error(), "status", answer.getStatus()));
    }
}
