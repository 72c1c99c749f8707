package dev.portcullis.events;

import java.time.Instant;

/**
 * A partner's identity provider says the guest's home account is disabled (RISC account-disabled).
 * The subject is {@code homeTenantId} plus {@code homeSubject} or {@code email}.
 */
public record PartnerAccountDisabled(
        String homeTenantId,
        String homeSubject,
        String email,
        Instant occurredAt,
        String reason,
        String actor) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.PARTNER_ACCOUNT_DISABLED;
    }

    @Override
    public String key() {
        return homeSubject != null ? homeTenantId + "/" + homeSubject : homeTenantId + "/" + email;
    }
}
