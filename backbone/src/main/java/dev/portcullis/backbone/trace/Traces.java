package dev.portcullis.backbone.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.logging.MDC;

/**
 * One trace per partner signal, across processes: the W3C {@code traceparent} of the span that
 * wrote an event is stored with it in the outbox and travels as the CloudEvents distributed-tracing
 * extension ({@code ce_traceparent}); the relay, every consumer and the mail sender continue that
 * trace. With the SDK off (the default, {@code quarkus.otel.sdk.disabled=true}) every span is a
 * no-op and nothing is stored.
 */
@ApplicationScoped
public class Traces {

    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    @Inject
    Tracer tracer;

    /** The current span's {@code traceparent}, or null when there is none (tracing off, or outside any trace). */
    public static String current() {
        return traceparent(Span.current());
    }

    /** The span's {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}), or null if it is not a real span. */
    public static String traceparent(Span span) {
        SpanContext context = span.getSpanContext();
        return context.isValid() ? "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex() : null;
    }

    /** Starts a span of the given kind continuing {@code traceparent} (a new trace if it is null or malformed). */
    public Span start(String name, SpanKind kind, String traceparent) {
        Context parent = traceparent == null ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, TRACEPARENT);
        return tracer.spanBuilder(name).setSpanKind(kind).setParent(parent).startSpan();
    }

    /**
     * Names the guest and the trace in the log context (MDC, a field of every JSON log line) until
     * closed, so that each line written while applying an event or sending a mail says which guest and
     * which trace it belongs to. Either may be null (not about a guest; tracing off).
     */
    public static LogContext logContext(String guestId, Span span) {
        String traceId = span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : null;
        if (guestId != null) {
            MDC.put("guestId", guestId);
        }
        if (traceId != null) {
            MDC.put("traceId", traceId);
        }
        return new LogContext(guestId != null, traceId != null);
    }

    /** What {@link #logContext} put in the MDC, removed on close. */
    public record LogContext(boolean guest, boolean trace) implements AutoCloseable {
        @Override
        public void close() {
            if (guest) {
                MDC.remove("guestId");
            }
            if (trace) {
                MDC.remove("traceId");
            }
        }
    }

    /** Marks the span failed, with the failure. */
    public static void failed(Span span, Throwable failure) {
        span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        span.recordException(failure);
    }
}
