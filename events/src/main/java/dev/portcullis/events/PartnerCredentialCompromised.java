package dev.portcullis.events;

import java.time.Instant;

/** A partner's identity provider says the guest's credentials are compromised (RISC credential-compromise). */
public record PartnerCredentialCompromised(
        String homeTenantId,
        String homeSubject,
        String email,
        Instant occurredAt,
        String reason,
        String actor) implements PartnerAccountSignal {

    @Override
    public EventType eventType() {
        return EventType.PARTNER_CREDENTIAL_COMPROMISED;
    }
}
