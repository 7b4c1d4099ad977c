package speech.tts.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import speech.runtime.audio.AudioFormat;
import speech.runtime.config.RuntimeConfig;
import speech.runtime.ops.ApiKey;
import speech.runtime.pages.PageConfig;
import speech.tts.config.TtsConfig;
import speech.tts.echo.SamplerSettings;
import speech.tts.roundtrip.RoundTrip;

/** The settings the Voices, Speak and History pages (templates/ui, their scripts in META-INF/resources/ui) read; not part of the API. */
@Path("/ui/config")
public class PagesResource {

    /** Limits checked in the browser before a request, and the sampler defaults the Speak page starts from. */
    record Settings(int maxTextChars, double voiceMinSeconds, double voiceMaxSeconds, int voiceMaxNameLength, List<String> formats,
                    SamplerSettings samplerDefaults, boolean roundTrip) {
    }

    @Inject
    TtsConfig config;

    @Inject
    RuntimeConfig runtime;

    @Inject
    RoundTrip roundTrip;

    @Inject
    ApiKey apiKey;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public PageConfig config() {
        List<String> formats = Arrays.stream(AudioFormat.values()).map(f -> f.name().toLowerCase(Locale.ROOT)).toList();
        // sequence_length 0: the model's full window, which the page leaves unset
        Settings settings = new Settings(config.speech().maxTextChars(), config.voices().minSeconds(), config.voices().maxSeconds(),
                config.voices().maxNameLength(), formats, SamplerSettings.defaults(0), roundTrip.enabled());
        return new PageConfig("tts", apiKey.required(), runtime.upload().maxBytes(),
                PageConfig.link(roundTrip.pageUrl(), "transcribe.html", "Transcribe"), settings);
    }
}
