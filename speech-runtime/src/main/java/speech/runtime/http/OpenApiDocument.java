package speech.runtime.http;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * The parts both services' OpenAPI documents share, written once (registered with {@code mp.openapi.filter}):
 * the {@link ApiError} schema, the {@code Retry-After} header, a reusable response per error status
 * (resources refer to them as {@code @APIResponse(responseCode = "404", ref = "NotFound")}), the optional
 * bearer API key, and the answers every {@code /v1} operation can give whatever it does: 401 when an API
 * key is configured, 406 when the Accept header admits none of its types, 500, and 503 while the model loads
 * or the service shuts down; and 413 on every operation that reads a body (the HTTP layer's body limit).
 */
public class OpenApiDocument implements OASFilter {

    /** Reusable responses by name: status, description, whether it carries Retry-After. */
    public static final String BAD_REQUEST = "BadRequest";
    public static final String NOT_FOUND = "NotFound";
    public static final String NOT_ACCEPTABLE = "NotAcceptable";
    public static final String PAYLOAD_TOO_LARGE = "PayloadTooLarge";
    public static final String UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType";
    public static final String TOO_MANY_REQUESTS = "TooManyRequests";
    public static final String GATEWAY_TIMEOUT = "GatewayTimeout";
    public static final String INSUFFICIENT_STORAGE = "InsufficientStorage";

    private record ErrorResponse(String name, String status, String description, boolean retryAfter) {
    }

    private static final List<ErrorResponse> ERRORS = List.of(
            new ErrorResponse(BAD_REQUEST, "400", "Invalid request: `error.param` names the field, `error.code` says why", false),
            new ErrorResponse("Unauthorized", "401", "An API key is configured and the request has none or a wrong one (`Authorization: Bearer <key>`)", false),
            new ErrorResponse(NOT_FOUND, "404", "No such model, voice or generation: `error.code` says which; `error.details.available` lists ids where useful", false),
            new ErrorResponse(NOT_ACCEPTABLE, "406", "The Accept header admits none of the answer's types: send `*/*` or a documented type (audio answers also take `application/octet-stream` and `audio/*`)", false),
            new ErrorResponse(PAYLOAD_TOO_LARGE, "413", "The request body is larger than the configured limit", false),
            new ErrorResponse(UNSUPPORTED_MEDIA_TYPE, "415", "The request's Content-Type is not the one this operation reads", false),
            new ErrorResponse(TOO_MANY_REQUESTS, "429", "The work queue is full: retry after `Retry-After` seconds", true),
            new ErrorResponse("InternalError", "500", "Unexpected failure; the server log has the details", false),
            new ErrorResponse("ServiceUnavailable", "503", "The model is still loading or the service is shutting down: retry after `Retry-After` seconds", true),
            new ErrorResponse(GATEWAY_TIMEOUT, "504", "The request's deadline passed (queue wait plus work)", false),
            new ErrorResponse(INSUFFICIENT_STORAGE, "507", "A disk the service writes to (its data, or uploads while they are received) is below its free-space floor: nothing was stored", false));

    /** Statuses any /v1 operation can answer, whatever its own errors. */
    private static final List<String> EVERY_OPERATION = List.of("401", "406", "500", "503");
    /** Statuses any /v1 operation that reads a request body can answer. */
    private static final List<String> EVERY_BODY = List.of("413");

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        openApi.servers(List.of(OASFactory.createServer().url("/").description("this service")));
        var components = openApi.getComponents() == null ? OASFactory.createComponents() : openApi.getComponents();
        openApi.components(components);
        components.addSchema("Error", errorSchema());
        components.addHeader("Retry-After", OASFactory.createHeader().description("Seconds to wait before retrying")
                .schema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).minimum(java.math.BigDecimal.ONE)));
        for (ErrorResponse e : ERRORS) {
            components.addResponse(e.name(), response(e));
        }
        components.addSecurityScheme("apiKey", OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                .description("Only when the service is started with SPEECH_API_KEY: `Authorization: Bearer <key>` on /v1"));
        // {} first: without a configured key no credentials are needed
        openApi.security(List.of(OASFactory.createSecurityRequirement(), OASFactory.createSecurityRequirement().addScheme("apiKey")));
        if (openApi.getPaths() == null) {
            return;
        }
        openApi.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/v1/")) {
                item.getOperations().values().forEach(OpenApiDocument::addCommonErrors);
                item.getOperations().values().forEach(OpenApiDocument::keepOnlyDocumentedForm);
            }
        });
        // a service without an operation answering, say, 406 carries no NotAcceptable component
        java.util.Set<String> used = new java.util.HashSet<>();
        openApi.getPaths().getPathItems().values().forEach(item -> item.getOperations().values().forEach(op ->
                op.getResponses().getAPIResponses().values().forEach(r -> used.add(String.valueOf(r.getRef())))));
        ERRORS.stream().filter(e -> !used.contains("#/components/responses/" + e.name())).forEach(e -> components.removeResponse(e.name()));
    }

    /**
     * A form documented by {@code @RequestBody(schema = @Schema(implementation = …))} is that schema alone: the scanner
     * also merges in the parts the method reads itself (say {@code @RestForm(FileUpload.ALL)} as a "*" property),
     * and Swagger UI would render those instead of the $ref.
     */
    private static void keepOnlyDocumentedForm(Operation operation) {
        if (operation.getRequestBody() == null || operation.getRequestBody().getContent() == null) {
            return;
        }
        operation.getRequestBody().getContent().getMediaTypes().values().stream()
                .map(m -> m.getSchema()).filter(schema -> schema != null && schema.getRef() != null)
                .forEach(schema -> schema.properties(null).type(null));
    }

    private static void addCommonErrors(Operation operation) {
        var responses = operation.getResponses();
        for (ErrorResponse e : ERRORS) {
            boolean applies = EVERY_OPERATION.contains(e.status()) || EVERY_BODY.contains(e.status()) && operation.getRequestBody() != null;
            if (applies && responses.getAPIResponse(e.status()) == null) {
                responses.addAPIResponse(e.status(), OASFactory.createAPIResponse().ref(e.name()));
            }
        }
    }

    private static APIResponse response(ErrorResponse e) {
        APIResponse r = OASFactory.createAPIResponse().description(e.description())
                .content(OASFactory.createContent().addMediaType("application/json",
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref("Error"))));
        if (e.retryAfter()) {
            r.headers(Map.<String, Header>of("Retry-After", OASFactory.createHeader().ref("Retry-After")));
        }
        return r;
    }

    private static Schema errorSchema() {
        Schema body = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT).required(List.of("message", "type", "code"))
                .addProperty("message", OASFactory.createSchema().addType(Schema.SchemaType.STRING).description("What went wrong and what to do, for people"))
                .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING).description("OpenAI's error class")
                        .enumeration(List.of("invalid_request_error", "authentication_error", "server_busy_error", "server_error")))
                .addProperty("code", OASFactory.createSchema().addType(Schema.SchemaType.STRING).description("Stable machine-readable reason")
                        .examples(List.of("model_not_found")))
                .addProperty("param", OASFactory.createSchema().addType(Schema.SchemaType.STRING).description("The request field at fault, when one is")
                        .examples(List.of("response_format")))
                .addProperty("details", OASFactory.createSchema().addType(Schema.SchemaType.OBJECT).additionalPropertiesBoolean(true)
                        .description("Facts that help fix the request (for example the available ids)"));
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT).required(List.of("error"))
                .description("The only error body, shaped like OpenAI's so its clients show the message").addProperty("error", body);
    }
}
