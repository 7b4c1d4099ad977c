package speech.tts.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import speech.tts.testing.Fixtures;

/** A decode runs with the request's run options: their terminate flag stops it, the same options unset let it run. */
class CodecTerminateTest {

    @Test
    void theTerminateFlagStopsADecode() throws Exception {
        float[] latent = Fixtures.echoCase("codec_decode").floats("latent");
        int frames = (int) Fixtures.echoCase("codec_decode").shape("latent")[1];
        Codec codec = TinyModel.get().codec();
        try (OrtSession.RunOptions options = new OrtSession.RunOptions()) {
            assertEquals(frames * TinyModel.get().constants().samplesPerLatent(), codec.decode(latent, frames, options).length);
            options.setTerminate(true);
            assertThrows(OrtException.class, () -> codec.decode(latent, frames, options));
        }
    }
}
