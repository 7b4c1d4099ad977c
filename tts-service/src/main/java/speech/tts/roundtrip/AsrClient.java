package speech.tts.roundtrip;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.client.api.ClientMultipartForm;

/** The ASR service's OpenAI-compatible transcription endpoint, as the round trip calls it (built in {@link RoundTrip}). */
@RegisterRestClient(configKey = "asr")
@Path("/v1/audio")
public interface AsrClient {

    /** {@code response_format=verbose_json}: the text and the model that heard it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Transcription(String text, @JsonProperty("x_model") String model) {
    }

    /** @param authorization {@code Bearer <key>}, or null when the ASR service needs none */
    @POST
    @Path("/transcriptions")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    Transcription transcribe(ClientMultipartForm form, @HeaderParam("Authorization") String authorization);
}
