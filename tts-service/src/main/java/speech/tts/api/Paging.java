package speech.tts.api;

import speech.runtime.http.ApiException;

/** limit / offset query parameters: 1–100 (default 20) and ≥ 0. */
final class Paging {

    static final String DEFAULT_LIMIT = "20";
    private static final int MAX_LIMIT = 100;

    private Paging() {
    }

    static int limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.invalidParam("limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }

    static int offset(int offset) {
        if (offset < 0) {
            throw ApiException.invalidParam("offset", "offset must be 0 or more");
        }
        return offset;
    }
}
