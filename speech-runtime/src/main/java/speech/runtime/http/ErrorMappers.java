package speech.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import speech.runtime.audio.AudioDecodeException;
import speech.runtime.error.InvalidRequestException;
import speech.runtime.model.ModelException;
import speech.runtime.model.ModelNotFoundException;
import speech.runtime.ops.GracefulShutdown;

/**
 * Every error leaves the services here, as an {@link ApiError} JSON body. Bodies never carry a
 * class name or a stack trace; unexpected failures are logged with one and answered with an id-less 500.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @Inject
    UploadLimit uploadLimit;

    @Inject
    GracefulShutdown shutdown;

    @ConfigProperty(name = "quarkus.http.limits.max-form-attribute-size", defaultValue = "2048")
    MemorySize maxFieldBytes;

    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response.ResponseBuilder r = body(e.status(), ApiError.of(e.status(), e.code(), e.getMessage(), e.param(), e.details()));
        if (e.retryAfterSeconds() != null) {
            r.header("Retry-After", e.retryAfterSeconds());
        }
        return r.build();
    }

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return body(400, ApiError.of(400, e.code(), e.getMessage(), e.param(), e.details())).build();
    }

    @ServerExceptionMapper
    public Response audio(AudioDecodeException e) {
        return body(400, ApiError.of(400, "invalid_audio", e.getMessage(), "file", null)).build();
    }

    @ServerExceptionMapper
    public Response model(ModelException e) {
        if (shuttingDown()) {
            return shutdown.shuttingDownAnswer(); // the registry closed its models under a request the shutdown cut off
        }
        LOG.error("model unusable: " + e.getMessage());
        return body(503, ApiError.of(503, "model_unavailable", e.getMessage(), null, null)).header("Retry-After", 30).build();
    }

    @ServerExceptionMapper
    public Response modelNotFound(ModelNotFoundException e) {
        return body(404, ApiError.of(404, "model_not_found", e.getMessage(), null, java.util.Map.<String, Object>of("available", e.available()))).build();
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return body(400, ApiError.of(400, "invalid_json", "the request body is not valid JSON" + where + ": " + e.getOriginalMessage(), null, null)).build();
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return body(404, ApiError.of(404, "not_found", "no such endpoint; see /q/swagger-ui for the API", null, null)).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, RoutingContext ctx) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("request failed", e);
            return body(status, ApiError.of(status, "internal_error", "internal error", null, null)).build();
        }
        if (status == 413) {
            // The multipart parser stopped a body while it streamed in; the rest of it is not read, so the
            // connection cannot be reused.
            Response.ResponseBuilder r = body(413, ApiError.of(413, "payload_too_large", uploadLimit.streamedMessage(maxFieldBytes.asLongValue()), null, null))
                    .header("Connection", "close");
            if (UploadLimit.refusedWhileStreaming(ctx)) {
                // UploadLimit sent this request's 413 before the parser gave up: a second body would fail ("Response has
                // already been written") and log an ERROR for a request that went right.
                r.entity(null);
            }
            return r.build();
        }
        String message = switch (status) {
            case 405 -> "method not allowed on this endpoint";
            case 406 -> "the requested response type is not available";
            case 415 -> "unsupported Content-Type for this endpoint";
            default -> e.getMessage() == null ? "bad request" : e.getMessage();
        };
        return body(status, ApiError.of(status, "http_" + status, message, null, null)).build();
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        if (thrownByFormParser(e)) {
            // A client's malformed body (boundary mismatch, truncation, too many fields), not a server failure.
            return body(400, ApiError.of(400, "invalid_body", "the multipart/form-data body could not be parsed: it is truncated, "
                    + "its boundary does not match the Content-Type header, or it has too many fields", null, null)).build();
        }
        if (shuttingDown()) {
            // Work accepted before the shutdown and cut off by it (its database or model closed past the grace
            // period): the client can retry elsewhere, and the cause is the shutdown, not a bug.
            LOG.warnf("a request was cut off by the shutdown: %s", e.toString());
            return shutdown.shuttingDownAnswer();
        }
        LOG.error("unexpected failure", e);
        return body(500, ApiError.of(500, "internal_error", "internal error; the server log has the details", null, null)).build();
    }

    /** The answer {@code e} gets as a response, for a stream whose status line is already sent (its error event). */
    public static Response answer(Throwable e) {
        ErrorMappers m = new ErrorMappers();
        return switch (e) {
            case ApiException a -> m.api(a);
            case InvalidRequestException i -> m.invalid(i);
            case AudioDecodeException a -> m.audio(a);
            case ModelNotFoundException n -> m.modelNotFound(n);
            case ModelException me -> m.model(me);
            default -> m.unexpected(e);
        };
    }

    private boolean shuttingDown() {
        return shutdown != null && shutdown.shuttingDown(); // null: built by answer(Throwable), outside CDI
    }

    private static boolean thrownByFormParser(Throwable e) {
        for (StackTraceElement frame : e.getStackTrace()) {
            if (frame.getClassName().startsWith("org.jboss.resteasy.reactive.server.core.multipart.")
                    || frame.getClassName().equals("org.jboss.resteasy.reactive.server.handlers.FormBodyHandler")) {
                return true;
            }
        }
        return false;
    }

    private static Response.ResponseBuilder body(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error);
    }
}
