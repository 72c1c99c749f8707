package dev.portcullis.events;

import java.time.Instant;

/** A partner's identity provider says the guest's home account is disabled (RISC account-disabled). */
public record PartnerAccountDisabled(
        String homeTenantId,
        String homeSubject,
        String email,
        Instant occurredAt,
        String reason,
        String actor) implements PartnerAccountSignal {

    @Override
    public EventType eventType() {
        return EventType.PARTNER_ACCOUNT_DISABLED;
    }
}
