package speech.tts.api;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import speech.runtime.audio.AudioFormat;
import speech.runtime.http.AcceptHeader;
import speech.runtime.http.ApiException;
import speech.runtime.http.ServerSentEvents;
import speech.tts.roundtrip.RoundTripScore;
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
        if (prepared.command().verify() != null) {
            throw ApiException.invalidParam("verify", "a streamed answer cannot be regenerated: send verify without stream_format");
        }
        boolean sse = streamFormat.equals("sse");
        StreamingOutput body = out -> {
            SpeechService.Speech s = speech.speak(prepared, bytes -> {
                out.write(sse ? ServerSentEvents.event("speech.audio.delta", Map.of("audio", Base64.getEncoder().encodeToString(bytes))) : bytes);
                out.flush();
            }, onClientGone);
            if (sse) {
                Map<String, Object> done = new LinkedHashMap<>();
                done.put("generation_id", s.generation().id());
                done.put("audio_duration", Math.round(s.generation().durationSeconds() * 1000) / 1000.0);
                done.put("time_to_first_audio_ms", s.firstAudioMillis());
                out.write(ServerSentEvents.event("speech.audio.done", done));
                out.flush();
            }
        };
        return Response.ok(body, sse ? ServerSentEvents.MEDIA_TYPE : prepared.format().mediaType())
                .header("X-Generation-Id", prepared.generationId())
                .header("X-Seed", prepared.seed())
                .build();
    }

    static Response speech(SpeechService.Speech s) {
        Response.ResponseBuilder answer = Response.ok(s.audio(), s.mediaType());
        RoundTripScore score = RoundTripScore.fromJson(s.generation().roundTripJson());
        if (score != null) {
            answer.header("X-Round-Trip", score.status());
            if (score.isScored()) {
                answer.header("X-Round-Trip-Wer", String.format(Locale.ROOT, "%.4f", score.wer()));
            }
            if (score.attempts() != null) {
                answer.header("X-Verify-Attempts", score.attempts().size())
                        .header("X-Verify-Passed", score.isScored() && score.wer() <= score.maxWer());
            }
        }
        return answer
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
