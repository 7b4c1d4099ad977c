package speech.runtime.ops;

/** Which request paths are the API ({@code /v1/**}), as opposed to health, metrics and docs under {@code /q}. */
final class OpsPaths {

    private OpsPaths() {
    }

    static boolean isApi(String path) {
        String p = path == null ? "" : path.replaceFirst("^/+", "");
        return p.equals("v1") || p.startsWith("v1/");
    }
}
