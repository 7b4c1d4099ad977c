package speech.tts.store;

import java.nio.file.Path;

/**
 * Child process for {@link VoiceDeleteCrashTest}: deletes one voice with its generations and halts
 * the JVM at the named step, the way a kill -9 would.
 */
public final class VoiceDeleteCrashChild {

    private VoiceDeleteCrashChild() {
    }

    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        String crashAt = args[1];
        VoiceDeleteCrashTest.Stores stores = VoiceDeleteCrashTest.open(data, step -> {
            if (step.equals(crashAt)) {
                Runtime.getRuntime().halt(VoiceStoreCrashChild.HALTED);
            }
        });
        stores.voices().deleteWithGenerations(args[2], stores.generations());
        System.exit(0);
    }
}
