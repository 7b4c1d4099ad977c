package speech.runtime.pages;

import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The services' pages: each service's {@code templates/ui/NAME.html} on the shared head and header of
 * {@code templates/layout/page.html}, so that head is written once. Their scripts and styles stay static
 * (META-INF/resources/ui); not part of the API.
 */
@Path("/ui/{page:[a-z]+}.html") // whole, so the static ui/*.js and ui/common/* never reach this class
public class PageTemplates {

    @Inject
    Engine engine;

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public String page(@PathParam("page") String page) {
        Template template = engine.getTemplate("ui/" + page);
        if (template == null) {
            throw new NotFoundException();
        }
        return template.render();
    }
}
