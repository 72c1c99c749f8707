package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/**
 * A partner organization was created, proposed (a guest of an unknown organization) or changed: its
 * name, home tenant, email domains and state. Other services keep their own copy from these, e.g. to
 * know which partners' people may request an access package.
 */
public record PartnerUpserted(
        String partnerId,
        String name,
        String tenantId,
        List<String> domains,
        String state,
        String changedBy,
        Instant changedAt) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.PARTNER_UPSERTED;
    }

    @Override
    public String key() {
        return partnerId;
    }
}
