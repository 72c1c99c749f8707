package dev.portcullis.testsupport;

import dev.portcullis.events.AccessRequestDecided;
import dev.portcullis.events.ApprovalRequested;
import dev.portcullis.events.EventJson;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** An access request's events on review.requests as a test reads them: the type, with the approver asked or the decision and the state after it. */
public final class RequestSteps {

    private RequestSteps() {
    }

    /** The request's events on the topic, in the order it holds them (one partition per requester). */
    public static List<ConsumerRecord<String, String>> of(KafkaTestClient kafka, String requestId) {
        return kafka.readAll("review.requests", r -> r.value().contains("\"requestId\":\"" + requestId + "\""));
    }

    /** e.g. {@code approval-requested owner@example.com}, {@code access-request-decided DENY DENIED}, {@code access-request-approved}. */
    public static String step(ConsumerRecord<String, String> record) {
        String type = KafkaTestClient.header(record, "ce_type").replace("dev.portcullis.request.", "").replace(".v1", "");
        return switch (type) {
            case "approval-requested" -> type + " " + EventJson.read(record.value(), ApprovalRequested.class).approver();
            case "access-request-decided" -> {
                AccessRequestDecided d = EventJson.read(record.value(), AccessRequestDecided.class);
                yield type + " " + d.decision() + " " + d.state();
            }
            default -> type;
        };
    }
}
