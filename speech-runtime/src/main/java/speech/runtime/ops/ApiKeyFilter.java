package speech.runtime.ops;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import speech.runtime.http.ApiError;

/**
 * Optional API key for the {@code /v1/**} endpoints, off unless {@code speech.api-key} (env
 * {@code SPEECH_API_KEY}) is set. When set, a request needs {@code Authorization: Bearer <key>};
 * otherwise it is answered 401 with the usual {@link ApiError} body. Health ({@code /q/health}),
 * metrics, OpenAPI and Swagger UI stay open so probes and scrapers need no key, and CORS preflights
 * ({@code OPTIONS}) pass because browsers never send credentials on them.
 */
public class ApiKeyFilter {

    private static final Logger LOG = Logger.getLogger(ApiKeyFilter.class);
    private static final String BEARER = "Bearer ";

    private final ApiKey key;

    ApiKeyFilter(ApiKey key) {
        this.key = key;
        LOG.info(key.required() ? "API key: required on /v1" : "API key: off (set SPEECH_API_KEY to require one on /v1)");
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    public Response check(ContainerRequestContext request) {
        if (!key.required() || HttpMethod.OPTIONS.equals(request.getMethod()) || !OpsPaths.isApi(request.getUriInfo().getPath())) {
            return null;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            return unauthorized("missing_api_key",
                    "this service requires an API key: send the header 'Authorization: Bearer <key>'");
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return unauthorized("invalid_api_key", "the Authorization header must use the Bearer scheme: 'Authorization: Bearer <key>'");
        }
        return key.matches(header.substring(BEARER.length())) ? null : unauthorized("invalid_api_key", "the API key is not valid");
    }

    private static Response unauthorized(String code, String message) {
        return Response.status(401).type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"speech\"")
                .entity(ApiError.of(401, code, message, null, null)).build();
    }
}
