package speech.runtime.http;

import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers a refused request without reading all of its body: a client waiting for 100-continue gets
 * the answer at once; others have at most {@link #MAX_BYTES} read and discarded (so they see the answer
 * instead of a reset), then the answer is sent and the connection closed, however much is still coming.
 */
final class BoundedDrain {

    static final long MAX_BYTES = 1 << 20;

    private BoundedDrain() {
    }

    /** The response's status and headers are set; {@code body} is the JSON to end it with. */
    static void thenAnswer(RoutingContext ctx, String body) {
        boolean http1 = ctx.request().version() != HttpVersion.HTTP_2;
        if (http1) {
            ctx.response().putHeader("Connection", "close");
        }
        if ("100-continue".equalsIgnoreCase(ctx.request().getHeader("Expect")) || ctx.request().isEnded()) {
            ctx.response().end(body);
            return;
        }
        AtomicLong read = new AtomicLong();
        ctx.request().handler(chunk -> {
            if (read.addAndGet(chunk.length()) > MAX_BYTES && !ctx.response().ended()) {
                ctx.request().pause();
                ctx.response().end(body).onComplete(done -> {
                    if (http1) {
                        ctx.request().connection().close();
                    } else {
                        ctx.response().reset();
                    }
                });
            }
        }).endHandler(done -> {
            if (!ctx.response().ended()) {
                ctx.response().end(body);
            }
        }).resume();
    }
}
