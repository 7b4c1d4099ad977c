package speech.conformance;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's chromium driven by Playwright for Java. Playwright never downloads a browser of its own here:
 * the one this machine has is the one tested ({@code CHROMIUM}, default /usr/bin/chromium; .ci/run installs it).
 */
final class Chromium implements AutoCloseable {

    /** Quiet, headless and sandbox-free (CI runs as root): no updates, sync or first-run screens. */
    private static final List<String> ARGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run");

    final Playwright playwright;
    final Browser browser;

    private Chromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    /** Launches chromium with {@link #ARGS} and {@code extraArgs}; a missing chromium fails the suite, it is not skipped. */
    static Chromium launch(List<String> extraArgs) {
        Path executable = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException(executable + " is missing: install Debian's chromium (.ci/run does) or point CHROMIUM at one");
        }
        List<String> args = new ArrayList<>(ARGS);
        args.addAll(extraArgs);
        Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            return new Chromium(playwright, playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(executable).setArgs(args)));
        } catch (RuntimeException e) {
            playwright.close();
            throw e;
        }
    }

    @Override
    public void close() {
        playwright.close(); // closes the browser too
    }
}
