package dev.portcullis.inventory.messaging;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.backbone.inbox.PoisonMessageException;
import dev.portcullis.events.EventType;
import dev.portcullis.events.PartnerAccountSignal;
import dev.portcullis.events.Topic;
import dev.portcullis.inventory.domain.SignalChannel;
import dev.portcullis.inventory.domain.SignalType;
import dev.portcullis.inventory.service.PartnerSignalService;
import dev.portcullis.inventory.service.PartnerSignalService.Signal;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Partner signals from the connectors' topics ({@code partner.signals.<connector>}): applied exactly like those posted
 * over REST, for a partner that names the connector among its signal clients; the connector is the actor.
 */
@ApplicationScoped
public class PartnerSignalConsumer {

    private static final Map<EventType, SignalType> TYPES = Map.of(
            EventType.PARTNER_ACCOUNT_DISABLED, SignalType.ACCOUNT_DISABLED,
            EventType.PARTNER_ACCOUNT_ENABLED, SignalType.ACCOUNT_ENABLED,
            EventType.PARTNER_ACCOUNT_PURGED, SignalType.ACCOUNT_PURGED,
            EventType.PARTNER_CREDENTIAL_COMPROMISED, SignalType.CREDENTIAL_COMPROMISED);

    @Inject
    Inbox inbox;

    @Inject
    PartnerSignalService signals;

    @Incoming(Topic.Channels.PARTNER_SIGNALS)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        inbox.apply(record, event -> {
            // who produced it is what the broker vouches for (only the connector may write its topic), never what the payload claims
            String connector = Topic.PartnerSignalConnectors.connectorOf(record.topic()).orElseThrow(() -> new PoisonMessageException(
                    record.topic() + " names no connector: a connector writes partner.signals.<its name>"));
            String producer = Topic.PartnerSignalConnectors.signalClient(connector);
            // types newer than this service's contract are recorded by the inbox only, as in every consumer
            EventType type = event.type().orElse(null);
            SignalType signalType = TYPES.get(type);
            if (signalType != null) {
                PartnerAccountSignal signal = (PartnerAccountSignal) event.as(type.payloadType().orElseThrow());
                signals.receive(new Signal(signalType, signal.homeTenantId(), signal.homeSubject(), signal.email(), signal.occurredAt()),
                        SignalChannel.KAFKA, producer, producer);
            }
        });
    }
}
