package dev.portcullis.backbone.trace;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every request has a correlation id: the caller's {@code X-Correlation-Id} when it is a sane token,
 * else a new UUID. It is in the log context ({@code correlationId}) while the request runs, on every
 * audit record the request writes, and echoed in the response, so a caller can name its request.
 */
public final class CorrelationId {

    public static final String HEADER = "X-Correlation-Id";
    public static final String MDC_KEY = "correlationId";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");

    private CorrelationId() {
    }

    /** The current request's correlation id, or null outside a request. */
    public static String current() {
        return MDC.get(MDC_KEY) instanceof String id ? id : null;
    }

    public static class Filters {

        @ServerRequestFilter(preMatching = true)
        public void assign(ContainerRequestContext request) {
            String given = request.getHeaderString(HEADER);
            String id = given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
            request.setProperty(MDC_KEY, id);
            MDC.put(MDC_KEY, id);
        }

        @ServerResponseFilter
        public void echo(ContainerRequestContext request, ContainerResponseContext response) {
            if (request.getProperty(MDC_KEY) instanceof String id) {
                response.getHeaders().putSingle(HEADER, id);
            }
            MDC.remove(MDC_KEY);
        }
    }
}
