package speech.tts.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
public record OpenAiSpeechRequest(String model, String input, String voice, String responseFormat, Double speed, String instructions, String streamFormat) {

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
                speed == null ? 1.0 : speed, SamplerSettings.Overrides.NONE);
    }
}
