package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/**
 * A partner organization was created, proposed (a guest of an unknown organization) or changed: its
 * name, home tenant, email domains and state. Other services keep their own copy from these, e.g. to
 * know which partners' people may request an access package. {@code signalChannels}: how the partner's offboarding reaches
 * Portcullis (null in events written before it was added, and from a caller that does not know).
 */
public record PartnerUpserted(
        String partnerId,
        String name,
        String tenantId,
        List<String> domains,
        String state,
        String changedBy,
        Instant changedAt,
        SignalChannels signalChannels) implements EventPayload {

    /**
     * The partner's live signal channels: its Shared Signals stream verified (when), its last signal received (any channel), its
     * guests provisioned over SCIM (since when). Each null when there is none.
     */
    public record SignalChannels(Instant ssfVerifiedAt, Instant lastSignalAt, Instant scimProvisionedAt) {
    }

    /** Without the signal channels. */
    public PartnerUpserted(String partnerId, String name, String tenantId, List<String> domains, String state, String changedBy, Instant changedAt) {
        this(partnerId, name, tenantId, domains, state, changedBy, changedAt, null);
    }

    @Override
    public EventType eventType() {
        return EventType.PARTNER_UPSERTED;
    }

    @Override
    public String key() {
        return partnerId;
    }
}
