package speech.tts.api;

import speech.runtime.http.ApiException;

/**
 * limit / offset query parameters: 1–100 (default 20) and ≥ 0. They are bound as strings: JAX-RS
 * answers an unconvertible query parameter with 404, and "limit=abc" is a bad request, not a missing page.
 */
final class Paging {

    static final String DEFAULT_LIMIT = "20";
    private static final int MAX_LIMIT = 100;

    private Paging() {
    }

    static int limit(String value) {
        long limit = parse("limit", value);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.invalidParam("limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        return (int) limit;
    }

    static int offset(String value) {
        long offset = parse("offset", value);
        if (offset < 0 || offset > Integer.MAX_VALUE) {
            throw ApiException.invalidParam("offset", "offset must be between 0 and " + Integer.MAX_VALUE);
        }
        return (int) offset;
    }

    private static long parse(String name, String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalidParam(name, name + " must be a whole number");
        }
    }
}
