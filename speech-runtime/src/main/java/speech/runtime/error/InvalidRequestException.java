package speech.runtime.error;

import java.util.Map;

/**
 * A request that cannot run as given, raised below the api layer (services, model packages) in
 * domain terms: a stable code, the offending field and a message for a person. It knows nothing of
 * HTTP; {@code ErrorMappers} answers it with a 400 carrying the same code, field and message.
 */
public class InvalidRequestException extends RuntimeException {

    private final String code;
    private final String param;
    private final Map<String, Object> details;

    public InvalidRequestException(String code, String param, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.code = code;
        this.param = param;
        this.details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** The field {@code param} is out of range or contradicts another; the code is {@code invalid_<param>}. */
    public static InvalidRequestException invalidParam(String param, String message) {
        return new InvalidRequestException(invalidCode(param), param, message, null);
    }

    /** {@code invalid_<param>}, brackets and the like dropped: timestamp_granularities[] → invalid_timestamp_granularities. */
    public static String invalidCode(String param) {
        return "invalid_" + param.replaceAll("[^a-z_]", "");
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
}
