package speech.runtime.http;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@link JsonBodyLimit} for JSON bodies without a Content-Length (chunked): the body is read up to
 * {@code speech.json.max-bytes} + 1 before the JSON reader sees it and answered 413 past that, so such a body is
 * never buffered beyond the bound. (Read here rather than inside the JSON reader, which would turn the 413 into
 * a 400 "malformed JSON".)
 */
@Provider
public class JsonBodyStreamLimit implements ReaderInterceptor {

    @ConfigProperty(name = "speech.json.max-bytes", defaultValue = "262144")
    long maxBytes;

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        MediaType type = context.getMediaType();
        if (type != null && type.getSubtype().toLowerCase(Locale.ROOT).contains("json")) {
            byte[] body = context.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw ApiException.payloadTooLarge("the JSON body is over the limit of " + maxBytes + " bytes");
            }
            context.setInputStream(new ByteArrayInputStream(body));
        }
        return context.proceed();
    }
}
