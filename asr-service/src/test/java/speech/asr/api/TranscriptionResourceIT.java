package speech.asr.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same HTTP exchanges against the packaged jar (models dir from ASR_MODELS_DIR set by failsafe). */
@QuarkusIntegrationTest
class TranscriptionResourceIT extends TranscriptionResourceTest {
}
