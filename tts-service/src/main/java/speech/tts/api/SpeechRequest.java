package speech.tts.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import speech.tts.echo.SamplerSettings;
import speech.tts.service.SpeechJob;

/**
 * POST /v1/speech body. Every sampler field is optional; a missing one keeps the upstream default
 * ({@link SamplerSettings#defaults}). JSON names are snake_case (text, voice_id, num_steps …).
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record SpeechRequest(String text, String voiceId, String model, String format, Long seed,
                            Integer numSteps, Float cfgScaleText, Float cfgScaleSpeaker, Float cfgMinT, Float cfgMaxT,
                            Float truncationFactor, Float rescaleK, Float rescaleSigma,
                            Float speakerKvScale, Integer speakerKvMaxLayers, Float speakerKvMinT, Integer sequenceLength) {

    SpeechJob toJob() {
        return new SpeechJob(text, voiceId, false, model, format, seed, 1.0, d -> new SamplerSettings(
                numSteps != null ? numSteps : d.numSteps(),
                cfgScaleText != null ? cfgScaleText : d.cfgScaleText(),
                cfgScaleSpeaker != null ? cfgScaleSpeaker : d.cfgScaleSpeaker(),
                cfgMinT != null ? cfgMinT : d.cfgMinT(),
                cfgMaxT != null ? cfgMaxT : d.cfgMaxT(),
                truncationFactor != null ? truncationFactor : d.truncationFactor(),
                rescaleK != null ? rescaleK : d.rescaleK(),
                rescaleSigma != null ? rescaleSigma : d.rescaleSigma(),
                speakerKvScale != null ? speakerKvScale : d.speakerKvScale(),
                speakerKvMaxLayers != null ? speakerKvMaxLayers : d.speakerKvMaxLayers(),
                speakerKvMinT != null ? speakerKvMinT : d.speakerKvMinT(),
                sequenceLength != null ? sequenceLength : d.sequenceLength()));
    }
}
