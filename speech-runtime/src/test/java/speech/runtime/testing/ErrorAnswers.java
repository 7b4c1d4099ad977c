package speech.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every error answer of both services must be: a JSON {@code {"error": …}} body that shows a client nothing
 * of the server: no file system path of this machine, no stack frame, no Java class or package name.
 */
public final class ErrorAnswers {

    /** A stack frame, an exception's simple name, or a package of the JDK, the frameworks or this project. */
    private static final Pattern JAVA = Pattern.compile("\\tat |\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\(|\\w+(Exception|Error)\\b"
            + "|\\b(java|javax|jakarta|sun|jdk|io\\.vertx|io\\.quarkus|io\\.netty|io\\.smallrye|org\\.jboss|org\\.h2|com\\.fasterxml"
            + "|ai\\.onnxruntime|software\\.amazon|speech\\.(runtime|asr|tts))\\.[a-z]\\w*");

    private ErrorAnswers() {
    }

    /** An answer as received, for checking later (e.g. after a flood). */
    public record Answer(String where, int status, String contentType, String body) {
        public static Answer of(HttpResponse<byte[]> r) {
            return new Answer(r.request().method() + " " + r.request().uri().getRawPath() + " → " + r.statusCode(), r.statusCode(),
                    r.headers().firstValue("Content-Type").orElse(""), new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** A JSON error with {@code status}, and nothing of the server in it. */
    public static void assertJsonError(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.request().method() + " " + r.request().uri().getRawPath() + ": " + r.body());
        assertJsonError(r);
    }

    /** A JSON error body (any status) with nothing of the server in it. */
    public static void assertJsonError(HttpResponse<String> r) {
        assertJsonError(new Answer(r.request().method() + " " + r.request().uri().getRawPath() + " → " + r.statusCode(), r.statusCode(),
                r.headers().firstValue("Content-Type").orElse(""), r.body()));
    }

    public static void assertJsonError(Answer a) {
        assertTrue(a.contentType().startsWith("application/json"), a.where() + " is not JSON: " + a.contentType() + " " + a.body());
        assertTrue(a.body().contains("\"error\""), a.where() + ": " + a.body());
        assertNothingOfTheServer(a.where(), a.body());
    }

    /** {@code text} (an answer's body or a header) shows no path of this machine, stack frame or class name. */
    public static void assertNothingOfTheServer(String where, String text) {
        for (String path : serverPaths()) {
            assertFalse(text.contains(path), where + " shows the server path " + path + ": " + text);
        }
        Matcher java = JAVA.matcher(text);
        assertFalse(java.find(), () -> where + " shows '" + java.group() + "': " + text);
    }

    /** Folders of this machine an answer could leak: the working dir, temp, the JDK, the models, the shared data. */
    static List<String> serverPaths() {
        List<String> paths = new ArrayList<>();
        for (String p : new String[] {System.getProperty("user.dir"), System.getProperty("java.io.tmpdir"), System.getProperty("java.home"),
                TestData.modelsDir().toString(), TestData.shared().toString(), System.getProperty("user.home")}) {
            String normal = Path.of(p).toAbsolutePath().normalize().toString();
            if (normal.length() > 1) {
                paths.add(normal);
            }
        }
        return paths;
    }
}
