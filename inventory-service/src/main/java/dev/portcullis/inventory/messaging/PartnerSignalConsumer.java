package dev.portcullis.inventory.messaging;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.events.EventType;
import dev.portcullis.events.PartnerAccountDisabled;
import dev.portcullis.events.Topic;
import dev.portcullis.inventory.config.InventorySettings;
import dev.portcullis.inventory.domain.SignalChannel;
import dev.portcullis.inventory.domain.SignalType;
import dev.portcullis.inventory.service.PartnerSignalService;
import dev.portcullis.inventory.service.PartnerSignalService.Signal;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Partner signals from {@code partner.signals}: applied exactly like those posted over REST. */
@ApplicationScoped
public class PartnerSignalConsumer {

    @Inject
    Inbox inbox;

    @Inject
    PartnerSignalService signals;

    @Inject
    InventorySettings settings;

    @Incoming(Topic.Channels.PARTNER_SIGNALS)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        inbox.apply(record, event -> {
            // other types (and types newer than this service's contract) are recorded by the inbox only, as in every consumer
            if (event.type().orElse(null) == EventType.PARTNER_ACCOUNT_DISABLED) {
                PartnerAccountDisabled signal = event.as(PartnerAccountDisabled.class);
                // who acted is what the platform knows (the topic's configured source), never what the payload claims
                signals.receive(new Signal(SignalType.ACCOUNT_DISABLED, signal.homeTenantId(), signal.homeSubject(), signal.email(),
                        signal.occurredAt()), SignalChannel.KAFKA, settings.signals().kafkaSource(), null);
            }
        });
    }
}
