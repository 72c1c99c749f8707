package dev.portcullis.inventory.messaging;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.events.AccessRevocationRequested;
import dev.portcullis.events.EventType;
import dev.portcullis.events.Topic;
import dev.portcullis.inventory.service.Grants;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code access-revocation-requested} from {@code governance.revocations}: review-service (a denied
 * review item) and policy-service (an enforced policy's violation) ask; inventory-service, which owns
 * grants, revokes, under the guest's lock like every other change of a guest's access.
 */
@ApplicationScoped
public class RevocationRequestConsumer {

    @Inject
    Inbox inbox;

    @Inject
    Grants grants;

    @Incoming(Topic.Channels.GOVERNANCE_REVOCATIONS)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        inbox.apply(record, event -> {
            if (event.type().orElse(null) == EventType.ACCESS_REVOCATION_REQUESTED) {
                grants.revokeOnRequest(event.as(AccessRevocationRequested.class));
            }
        });
    }
}
