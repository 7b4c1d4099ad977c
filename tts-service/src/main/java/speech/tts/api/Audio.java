package speech.tts.api;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import speech.runtime.audio.AudioFormat;
import speech.runtime.http.AcceptHeader;
import speech.runtime.http.ApiException;
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

    /**
     * The answer to a speech request: the whole clip, or with {@code stream_format} "audio" the encoded audio as a
     * chunked body as it is made, "sse" {@code speech.audio.delta} events (base64) then {@code speech.audio.done}.
     * Everything a request can get wrong is checked first, so a stream never starts for a 4xx; a client that
     * disconnects cancels its request (its DiT lanes leave at the next step).
     */
    static Response respond(Function<SpeakCommand, SpeechService.Prepared> prepare, SpeechService speech, SpeakCommand command, String streamFormat, HttpHeaders headers, HttpServerRequest http) {
        if (streamFormat != null && !streamFormat.equals("audio") && !streamFormat.equals("sse")) {
            throw ApiException.invalidParam("stream_format", "stream_format must be \"audio\" or \"sse\"");
        }
        SpeechService.Prepared prepared = prepare.apply("sse".equals(streamFormat) ? command : negotiated(command, headers));
        Consumer<Runnable> onClientGone = cancel -> http.connection().closeHandler(closed -> cancel.run());
        if (streamFormat == null) {
            return speech(speech.speak(prepared, null, onClientGone));
        }
        if (prepared.command().speed() != 1.0) {
            throw ApiException.invalidParam("speed", "a streamed answer is spoken at speed 1.0");
        }
        boolean sse = streamFormat.equals("sse");
        StreamingOutput body = out -> {
            SpeechService.Speech s = speech.speak(prepared, bytes -> {
                out.write(sse ? event("speech.audio.delta", "\"audio\":\"" + Base64.getEncoder().encodeToString(bytes) + "\"") : bytes);
                out.flush();
            }, onClientGone);
            if (sse) {
                out.write(event("speech.audio.done", String.format(Locale.ROOT,
                        "\"generation_id\":\"%s\",\"audio_duration\":%.3f,\"time_to_first_audio_ms\":%d",
                        s.generation().id(), s.generation().durationSeconds(), s.firstAudioMillis())));
                out.flush();
            }
        };
        return Response.ok(body, sse ? "text/event-stream" : prepared.format().mediaType())
                .header("X-Generation-Id", prepared.generationId())
                .header("X-Seed", prepared.seed())
                .build();
    }

    private static byte[] event(String type, String fields) {
        return ("event: " + type + "\ndata: {\"type\":\"" + type + "\"," + fields + "}\n\n").getBytes(StandardCharsets.UTF_8);
    }

    static Response speech(SpeechService.Speech s) {
        return Response.ok(s.audio(), s.mediaType())
                .header("X-Generation-Id", s.generation().id())
                .header("X-Audio-Duration", String.format(Locale.ROOT, "%.3f", s.generation().durationSeconds()))
                .header("X-Processing-Time-Ms", s.generation().processingMillis())
                .header("X-Seed", s.generation().seed())
                .header("X-Time-To-First-Audio-Ms", s.firstAudioMillis())
                .header("Content-Disposition", "inline; filename=\"" + s.generation().id() + "." + extension(s.generation().format()) + "\"")
                .build();
    }

    static String extension(String format) {
        return AudioFormat.parse(format).map(f -> f.extension()).orElse("bin");
    }
}
