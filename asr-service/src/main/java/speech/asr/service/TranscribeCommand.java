package speech.asr.service;

import java.nio.file.Path;
import speech.asr.whisper.Task;

/**
 * One transcription as the api layer parsed it: the form's types are checked, what depends on the
 * model (language, translate on an English-only model) and on the limits is checked by the service.
 *
 * @param model       model id as sent; null = the default model
 * @param language    ISO 639-1 code as sent; null = detect
 * @param prompt      initial prompt; null = none
 * @param temperature the first temperature of the fallback ladder, in [0, 1]
 * @param vadFilter   skip what voice activity detection finds is not speech
 * @param words       word timestamps asked for (verbose_json): a model without its alignment graph answers 400
 * @param subtitles   srt/vtt: cut at word timestamps when the model can give them
 * @param multilingual detect the language of every window
 */
public record TranscribeCommand(Task task, Path file, long fileSize, String model, String language, String prompt, double temperature,
                                boolean vadFilter, boolean words, boolean subtitles, boolean multilingual) {
}
