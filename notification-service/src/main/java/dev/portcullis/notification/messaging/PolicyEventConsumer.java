package dev.portcullis.notification.messaging;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.events.EventType;
import dev.portcullis.events.PolicyViolationDetected;
import dev.portcullis.events.Topic;
import dev.portcullis.notification.service.PolicyNotices;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Reads {@code policy-violation-detected}, for the resources' owners; the rest of policy.violations tells nobody. */
@ApplicationScoped
public class PolicyEventConsumer {

    @Inject
    Inbox inbox;

    @Inject
    PolicyNotices notices;

    @Incoming(Topic.Channels.POLICY_VIOLATIONS)
    @Blocking
    public void consume(ConsumerRecords<String, String> records) {
        inbox.applyAll(records, event -> {
            if (event.type().orElse(null) == EventType.POLICY_VIOLATION_DETECTED) {
                notices.violated(event.as(PolicyViolationDetected.class), event.id());
            }
        });
    }
}
