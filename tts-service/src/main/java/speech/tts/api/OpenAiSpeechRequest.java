package speech.tts.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import speech.runtime.audio.AudioFormat;
import speech.runtime.http.ApiException;
import speech.tts.echo.SamplerSettings;
import speech.tts.service.SpeakCommand;

/**
 * OpenAI's POST /v1/audio/speech body: model, input, voice (a voice id or name), response_format
 * (default mp3, as OpenAI), speed, stream_format (audio | sse). OpenAI model names (tts-1, …) mean the default model (EchoModels).
 * Fields OpenAI clients may add but this model cannot honour (instructions) are rejected, not ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@Schema(name = "CreateSpeechRequest")
public record OpenAiSpeechRequest(
        @Schema(description = "tts-1, tts-1-hd, gpt-4o-mini-tts or none mean the default model; else a model id from GET /v1/models", example = "tts-1") String model,
        @Schema(required = true, description = "The text to speak", example = "Hello from the speech platform.") String input,
        @Schema(required = true, description = "A voice id or name (POST /v1/voices)", example = "narrator") String voice,
        @Schema(enumeration = {"mp3", "opus", "aac", "flac", "wav", "pcm"}, defaultValue = "mp3", description = "Audio format of the answer; pcm is raw 16-bit little-endian mono") String responseFormat,
        @Schema(minimum = "0.25", maximum = "4.0", defaultValue = "1.0", description = "Playback speed factor") Double speed,
        @Schema(description = "Not supported by Echo-TTS: a non-empty value answers 400") String instructions,
        @Schema(enumeration = {"audio", "sse"}, defaultValue = "audio", description = "audio: the whole file; sse: server-sent events with audio pieces as they are made") String streamFormat) {

    SpeakCommand toCommand() {
        if (instructions != null && !instructions.isBlank()) {
            throw ApiException.invalidParam("instructions", "instructions are not supported by Echo-TTS; describe delivery in the text");
        }
        if (voice == null || voice.isBlank()) {
            throw ApiException.invalidParam("voice", "voice is required: a voice id or name from GET /v1/audio/voices");
        }
        if (responseFormat != null && AudioFormat.parse(responseFormat).isEmpty()) {
            throw ApiException.invalidParam("response_format", "response_format must be one of " + AudioFormat.names());
        }
        return new SpeakCommand(input, voice, true, model, responseFormat == null ? "mp3" : responseFormat, null,
                speed == null ? 1.0 : speed, SamplerSettings.Overrides.NONE, null);
    }
}
