package dev.portcullis.events;

import java.time.Instant;

/** A partner's identity provider says the guest's home account is enabled again (RISC account-enabled). */
public record PartnerAccountEnabled(
        String homeTenantId,
        String homeSubject,
        String email,
        Instant occurredAt,
        String reason,
        String actor) implements PartnerAccountSignal {

    @Override
    public EventType eventType() {
        return EventType.PARTNER_ACCOUNT_ENABLED;
    }
}
