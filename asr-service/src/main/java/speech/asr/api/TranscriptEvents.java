package speech.asr.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import speech.asr.service.TranscriptionService;
import speech.asr.service.TranscriptionStream;
import speech.asr.whisper.Segment;
import speech.asr.whisper.Transcript;
import speech.runtime.http.ServerSentEvents;

/**
 * The body of {@code stream=true}, in OpenAI's format: one {@code transcript.text.delta} per segment as
 * it is final, in order, its times in the extension field {@code segment}; then {@code transcript.text.done}
 * with the whole text and the usage (seconds of audio, as OpenAI bills whisper-1), or an {@code error} event.
 * The deltas concatenate to the done event's text, which is the non-streamed answer's.
 */
public final class TranscriptEvents {

    static final String DELTA = "transcript.text.delta";
    static final String DONE = "transcript.text.done";

    private TranscriptEvents() {
    }

    @Schema(name = "TranscriptTextDeltaEvent", description = "stream=true: the text of one segment, as soon as it is decoded, in order")
    public record Delta(@Schema(enumeration = DELTA) String type, String delta, SegmentTimes segment) {
    }

    @Schema(name = "TranscriptTextSegmentTimes", description = "Extension: the segment the delta is, with its times in seconds from the start")
    public record SegmentTimes(int id, double start, double end) {
    }

    @Schema(name = "TranscriptTextDoneEvent", description = "stream=true: the last event, the whole text (the deltas concatenated)")
    public record Done(@Schema(enumeration = DONE) String type, String text, Usage usage, String language, double duration,
                       @JsonProperty("x_processing_seconds") double processingSeconds) {
    }

    @Schema(name = "TranscriptTextUsage", description = "Seconds of audio transcribed")
    public record Usage(@Schema(enumeration = "duration") String type, double seconds) {
    }

    static StreamingOutput body(TranscriptionStream stream) {
        return out -> {
            try (stream) {
                boolean first = true;
                while (true) {
                    switch (stream.next()) {
                        case TranscriptionStream.Delta d -> out.write(ServerSentEvents.event(DELTA, delta(d.segment(), first)));
                        case TranscriptionStream.Done d -> {
                            out.write(ServerSentEvents.event(DONE, done(d.result())));
                            out.flush();
                            return;
                        }
                        case TranscriptionStream.Failed f -> {
                            out.write(ServerSentEvents.error(f.error()));
                            out.flush();
                            return;
                        }
                    }
                    out.flush();
                    first = false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    static Delta delta(Segment s, boolean first) {
        // The joined text is stripped; so is the start of the first delta, so the deltas add up to it.
        return new Delta(DELTA, first ? s.text().stripLeading() : s.text(), new SegmentTimes(s.id(), seconds(s.start()), seconds(s.end())));
    }

    static Done done(TranscriptionService.Result r) {
        Transcript t = r.transcript();
        return new Done(DONE, t.text(), new Usage("duration", seconds(t.duration())), t.language(), seconds(t.duration()),
                seconds(r.processingSeconds()));
    }

    private static double seconds(double s) {
        return Math.round(s * 1000) / 1000.0;
    }
}
