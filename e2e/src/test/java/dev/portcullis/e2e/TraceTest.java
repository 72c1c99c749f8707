package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.e2e.OtlpCollector.ReceivedSpan;
import dev.portcullis.events.EventType;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One partner signal is one trace, across the four service processes, as an OTLP collector receives
 * it: the REST call, the outbox relay publishing each event, every consumer applying it, and each
 * mail sent — every span with the trace id of the REST call, each one's parent in the same trace.
 */
@ExtendWith(Platform.class)
class TraceTest {

    @Test
    void oneSignalIsOneTraceFromTheRestCallThroughTheOutboxEveryConsumerToTheMail() {
        Assumptions.assumeTrue(Platform.TRACING, "the platform runs without tracing (-Dportcullis.e2e.tracing=false)");
        Platform platform = Platform.get();
        Chain chain = Chain.create(platform, 2);
        String signalId = platform.inventory().postSignal("ACCOUNT_DISABLED", chain.guest().homeTenantId(), chain.guest().homeSubject(),
                Instant.now()).then().statusCode(202).extract().path("id");
        OtlpCollector collector = platform.traces();

        ReceivedSpan call = await().atMost(Duration.ofSeconds(30)).until(() -> collector.spans().stream()
                .filter(s -> signalId.equals(s.attributes().get("portcullis.signal.id"))).findFirst(), Optional::isPresent).get();
        assertEquals("inventory-service", call.service());
        assertEquals(SpanKind.SPAN_KIND_SERVER, call.kind());
        assertTrue(call.name().contains("/api/v1/partner-signals"), call.name());

        String revoked = EventType.ACCESS_REVOKED.ceType();
        String blocked = EventType.GUEST_BLOCKED.ceType();
        // each service's part of the chain, how many spans it makes for one guest with two grants and three people to tell
        Map<String, Predicate<ReceivedSpan>> expected = Map.of(
                "inventory publishes two access-revoked", s -> is(s, "inventory-service", SpanKind.SPAN_KIND_PRODUCER, "publish inventory.access"),
                "inventory publishes guest-blocked", s -> is(s, "inventory-service", SpanKind.SPAN_KIND_PRODUCER, "publish inventory.guests"),
                "review applies both revocations", s -> is(s, "review-service", SpanKind.SPAN_KIND_CONSUMER, "consume " + revoked),
                "policy applies both revocations", s -> is(s, "policy-service", SpanKind.SPAN_KIND_CONSUMER, "consume " + revoked),
                "notification reads guest-blocked", s -> is(s, "notification-service", SpanKind.SPAN_KIND_CONSUMER, "consume " + blocked),
                // a send that failed (the SMTP server did not answer in time) is tried again: the mail is sent once, in a span of its own
                "notification mails the sponsor and both owners", s -> is(s, "notification-service", SpanKind.SPAN_KIND_CLIENT, "send mail") && !s.failed(),
                "notification publishes each delivery", s -> is(s, "notification-service", SpanKind.SPAN_KIND_PRODUCER,
                        "publish notification.deliveries"));
        Map<String, Integer> counts = Map.of("inventory publishes two access-revoked", 2, "inventory publishes guest-blocked", 1,
                "review applies both revocations", 2, "policy applies both revocations", 2, "notification reads guest-blocked", 1,
                "notification mails the sponsor and both owners", 3, "notification publishes each delivery", 3);

        List<ReceivedSpan> trace = await().atMost(Duration.ofSeconds(60)).until(() -> collector.trace(call.traceId()),
                spans -> expected.entrySet().stream().allMatch(e -> spans.stream().filter(e.getValue()).count() >= counts.get(e.getKey())));

        // Kafka delivers at least once (a rebalance hands a partition over before its offsets are committed):
        // a consumer may read an event twice, and its inbox makes the second reading change nothing. So
        // readings are counted at least; what they cause (events published, mails sent) exactly.
        Set<String> readings = Set.of("review applies both revocations", "policy applies both revocations", "notification reads guest-blocked");
        for (var e : expected.entrySet()) {
            int count = (int) trace.stream().filter(e.getValue()).count();
            if (readings.contains(e.getKey())) {
                assertTrue(count >= counts.get(e.getKey()), e.getKey() + ": " + describe(trace));
            } else {
                assertEquals(counts.get(e.getKey()), count, e.getKey() + ": " + describe(trace));
            }
        }
        // a chain, not a bag of spans: every span but the REST call has its parent in this trace
        Set<String> ids = trace.stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
        for (ReceivedSpan span : trace) {
            if (span != call && !span.parentSpanId().isEmpty()) {
                assertTrue(ids.contains(span.parentSpanId()), span.service() + " " + span.name() + " has its parent outside the trace: " + describe(trace));
            }
        }
        assertTrue(trace.stream().filter(s -> s.kind() == SpanKind.SPAN_KIND_CONSUMER)
                .allMatch(s -> trace.stream().anyMatch(p -> p.spanId().equals(s.parentSpanId()) && p.kind() == SpanKind.SPAN_KIND_PRODUCER)),
                "each consumer span continues the relay's span of its event: " + describe(trace));
    }

    private static boolean is(ReceivedSpan span, String service, SpanKind kind, String namePrefix) {
        return service.equals(span.service()) && kind == span.kind() && span.name().startsWith(namePrefix);
    }

    private static String describe(List<ReceivedSpan> trace) {
        return trace.stream().map(s -> s.service() + ":" + s.kind() + ":" + s.name() + (s.failed() ? " (failed)" : "")).sorted().toList().toString();
    }
}
