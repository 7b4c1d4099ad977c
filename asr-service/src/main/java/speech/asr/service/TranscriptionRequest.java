package speech.asr.service;

import java.nio.file.Path;
import java.util.List;
import speech.asr.whisper.Task;

/** One request as the client sent it (strings unvalidated); the service checks every field. */
public record TranscriptionRequest(Task task, Path file, long fileSize, String model, String language, String prompt,
                                   String responseFormat, String temperature, List<String> timestampGranularities) {
}
