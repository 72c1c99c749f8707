package dev.portcullis.events;

import java.time.Instant;

/** A partner's identity provider deleted the guest's home account for good (RISC account-purged). */
public record PartnerAccountPurged(
        String homeTenantId,
        String homeSubject,
        String email,
        Instant occurredAt,
        String reason,
        String actor) implements PartnerAccountSignal {

    @Override
    public EventType eventType() {
        return EventType.PARTNER_ACCOUNT_PURGED;
    }
}
