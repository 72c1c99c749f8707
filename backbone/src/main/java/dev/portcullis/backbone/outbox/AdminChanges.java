package dev.portcullis.backbone.outbox;

import dev.portcullis.backbone.Ids;
import dev.portcullis.events.ocsf.OcsfMapping;
import dev.portcullis.events.ocsf.OcsfMapping.Change;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The SOC's record of what an administrator changed where no CloudEvent tells it (a scenario, a partner's transmitter, a webhook, a
 * review definition, a held enforcement decided, a dead letter or a parked event sent again): written on {@code soc.ocsf} through
 * the outbox, in the change's own transaction, naming who made it ({@link OcsfMapping#adminChanged}).
 */
@ApplicationScoped
public class AdminChanges {

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @ConfigProperty(name = "quarkus.application.name")
    String service;

    /**
     * Records that {@code actor} made {@code change} to the {@code entityType} {@code id} (named {@code name}, may be null), with
     * these settings (never a secret; null values left out); {@code what} names it in {@code metadata.event_code}. Keyed by the id.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String actor, Change change, String entityType, String what, Object id, String name, Map<String, ?> settings) {
        outbox.publish(OcsfMapping.adminChanged(Ids.next(), service, change, entityType, what, String.valueOf(id), name, settings,
                actor, clock.instant(), String.valueOf(id)));
    }
}
