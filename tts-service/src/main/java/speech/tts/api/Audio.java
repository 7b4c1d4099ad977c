package speech.tts.api;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import speech.runtime.audio.AudioFormat;
import speech.runtime.http.AcceptHeader;
import speech.tts.service.SpeakCommand;
import speech.tts.service.SpeechService;

/** Audio responses: real media type and the generation facts as headers. */
final class Audio {

    private Audio() {
    }

    /** Refuses (406, JSON) before synthesis when the Accept header admits none of the requested audio; unknown formats are the service's 400. */
    static SpeakCommand negotiated(SpeakCommand command, HttpHeaders headers) {
        AudioFormat.parse(command.format()).ifPresent(f -> AcceptHeader.requireAdmits(headers.getAcceptableMediaTypes(), f.mediaType()));
        return command;
    }

    static Response speech(SpeechService.Speech s) {
        return Response.ok(s.audio(), s.mediaType())
                .header("X-Generation-Id", s.generation().id())
                .header("X-Audio-Duration", String.format(Locale.ROOT, "%.3f", s.generation().durationSeconds()))
                .header("X-Processing-Time-Ms", s.generation().processingMillis())
                .header("X-Seed", s.generation().seed())
                .header("Content-Disposition", "inline; filename=\"" + s.generation().id() + "." + extension(s.generation().format()) + "\"")
                .build();
    }

    static String extension(String format) {
        return AudioFormat.parse(format).map(f -> f.extension()).orElse("bin");
    }
}
