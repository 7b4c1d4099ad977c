package speech.asr.api;

import java.util.List;
import org.jboss.resteasy.reactive.PartType;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import speech.asr.service.TranscriptionRequest;
import speech.asr.whisper.Task;

/** The multipart form of OpenAI's /v1/audio/transcriptions and /translations. */
public class TranscriptionForm {

    @RestForm
    public FileUpload file;

    @RestForm
    @PartType("text/plain")
    public String model;

    @RestForm
    @PartType("text/plain")
    public String language;

    @RestForm
    @PartType("text/plain")
    public String prompt;

    @RestForm("response_format")
    @PartType("text/plain")
    public String responseFormat;

    @RestForm
    @PartType("text/plain")
    public String temperature;

    @RestForm("timestamp_granularities[]")
    public List<String> timestampGranularities;

    @RestForm("timestamp_granularities")
    public List<String> timestampGranularitiesPlain;

    public TranscriptionRequest toRequest(Task task) {
        List<String> granularities = new java.util.ArrayList<>();
        if (timestampGranularities != null) {
            granularities.addAll(timestampGranularities);
        }
        if (timestampGranularitiesPlain != null) {
            granularities.addAll(timestampGranularitiesPlain);
        }
        return new TranscriptionRequest(task, file == null ? null : file.uploadedFile(), file == null ? 0 : file.size(),
                model, language, prompt, responseFormat, temperature, granularities);
    }
}
