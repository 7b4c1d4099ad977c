package speech.asr.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import speech.asr.config.AsrConfig;

/**
 * Answers an upload whose Content-Length is over asr.max-upload-size with a 413 JSON body before
 * the body is stored. (Vert.x's own max-body-size answers with an empty body, so it is set well above
 * this limit; uploads without a Content-Length are checked again by the service.)
 */
@ApplicationScoped
public class UploadLimit {

    void install(@Observes Router router, AsrConfig config) {
        long limit = config.maxUploadSize();
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (ctx.request().method() != HttpMethod.POST || !ctx.request().path().startsWith("/v1/audio/") || length == null
                    || parse(length) <= limit) {
                ctx.next();
                return;
            }
            String body = "{\"error\":{\"message\":\"the upload is " + parse(length) + " bytes; the limit is " + limit
                    + " bytes\",\"type\":\"invalid_request_error\",\"code\":\"payload_too_large\"}}";
            // Read and drop the body first, so the client sees the answer instead of a reset connection.
            ctx.request().handler(chunk -> { }).endHandler(v -> ctx.response().setStatusCode(413)
                    .putHeader("Content-Type", "application/json").end(body));
        });
    }

    private static long parse(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
