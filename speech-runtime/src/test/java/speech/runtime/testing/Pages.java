package speech.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks of a page as speech.runtime.pages.PageTemplates serves it, for the services' page tests. */
public final class Pages {

    private Pages() {
    }

    /** {@code html} is the page {@code page} on the shared head and header, with its own title, script and current nav entry. */
    public static void assertOnTheSharedHead(String html, String page, String title) {
        assertTrue(html.startsWith("<!doctype html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n"), html);
        assertTrue(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"), html);
        assertTrue(html.contains("<title>" + title + "</title>"), html);
        assertTrue(html.contains("<link rel=\"stylesheet\" href=\"common/app.css\">"), html);
        assertTrue(html.contains("<script type=\"module\" src=\"" + page + ".js\"></script>"), html);
        assertTrue(html.contains("<a class=\"skip\" href=\"#main\">Skip to content</a>"), html);
        assertTrue(html.contains("<li><a href=\"" + page + ".html\" aria-current=\"page\">"), html);
        assertEquals(1, html.split("aria-current", -1).length - 1, "one current page in the nav: " + html);
        assertTrue(html.contains("<li class=\"other\" hidden><a href=\"#\"></a></li>"), html);
        assertTrue(html.contains("<main id=\"main\">\n") && html.endsWith("</main>\n</body>\n</html>\n"), html);
    }
}
