package speech.runtime.http;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import speech.runtime.testing.ErrorAnswers;

/** The shared leak check catches what it is meant to, and passes the services' real messages. */
class ErrorAnswersCheckTest {

    @Test
    void pathsStackFramesAndClassNamesAreCaught() {
        String cwd = System.getProperty("user.dir");
        for (String leak : new String[] {"cannot read " + cwd + "/models/x", "failed\n\tat speech.tts.Foo.bar(Foo.java:3)",
                "java.lang.IllegalStateException: boom", "NullPointerException", "io.vertx.core.VertxException: closed",
                "in speech.runtime.http.UploadLimit", "at org.h2.engine.Session.x(", "ai.onnxruntime.OrtException"}) {
            assertThrows(AssertionFailedError.class, () -> ErrorAnswers.assertNothingOfTheServer("probe", leak), leak);
        }
    }

    @Test
    void plainMessagesPass() {
        ErrorAnswers.assertNothingOfTheServer("probe", "{\"error\":{\"message\":\"no voice with this id; GET /v1/voices lists them\","
                + "\"code\":\"voice_not_found\",\"param\":\"voice_id\"}}");
        ErrorAnswers.assertNothingOfTheServer("probe", "the file could not be decoded as audio: <file>: Invalid data found when processing input");
    }
}
