package speech.runtime.http;

import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers a refused request without keeping its body: a client waiting for 100-continue gets the answer
 * at once. Others are read and discarded until their body ends, so a client that writes the whole body
 * before reading (most HTTP libraries) sees the answer instead of a reset, but for at most
 * {@link #MAX_BYTES} or {@link #MAX_LINGER_MS}, whichever comes first (as nginx's lingering close):
 * then the answer is sent and the connection closed, however much is still coming. Discarding costs no
 * memory; the bounds keep a slow or endless sender from holding the connection.
 */
final class BoundedDrain {

    static final long MAX_BYTES = 256L << 20;
    static final long MAX_LINGER_MS = 10_000;

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
        Runnable answerAndClose = () -> {
            if (ctx.response().ended()) {
                return;
            }
            ctx.request().pause();
            ctx.response().end(body).onComplete(done -> {
                if (http1) {
                    ctx.request().connection().close();
                } else {
                    ctx.response().reset();
                }
            });
        };
        long timer = ctx.vertx().setTimer(MAX_LINGER_MS, id -> answerAndClose.run());
        ctx.request().handler(chunk -> {
            if (read.addAndGet(chunk.length()) > MAX_BYTES) {
                ctx.vertx().cancelTimer(timer);
                answerAndClose.run();
            }
        }).endHandler(done -> {
            ctx.vertx().cancelTimer(timer);
            if (!ctx.response().ended()) {
                // The header alone does not make Vert.x close: do it once the answer is out.
                ctx.response().end(body).onComplete(sent -> {
                    if (http1) {
                        ctx.request().connection().close();
                    }
                });
            }
        }).resume();
    }
}
