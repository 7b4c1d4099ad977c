package speech.tts.api;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import speech.runtime.http.ApiError;

/**
 * Body binding errors (unknown field, wrong type) as the JSON error naming the field. Quarkus' own
 * mapper for these is more specific than the platform's JsonProcessingException one and would answer
 * with an empty body in the endpoint's audio media type.
 */
public class JsonErrors {

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        String field = e.getPath().stream().map(JsonMappingException.Reference::getFieldName)
                .filter(java.util.Objects::nonNull).collect(Collectors.joining("."));
        String message = e instanceof UnrecognizedPropertyException
                ? "unknown field '" + field + "'; see /q/openapi for the fields this endpoint takes"
                : field.isEmpty() ? "the request body does not have the expected shape"
                : "field '" + field + "' has the wrong type";
        return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ApiError.of(400, "invalid_json", message, field.isEmpty() ? null : field, null)).build();
    }
}
