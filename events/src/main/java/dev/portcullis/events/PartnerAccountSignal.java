package dev.portcullis.events;

import java.time.Instant;

/**
 * What every event on {@code partner.signals} says about a partner's person: who (the home tenant plus
 * the home subject or the email), when, and optionally why and who acted at the partner. Consumers
 * treat the four signals alike and act by their type.
 */
public interface PartnerAccountSignal extends EventPayload {

    String homeTenantId();

    String homeSubject();

    String email();

    Instant occurredAt();

    String reason();

    String actor();

    /** Partitioned by the person, so every signal about one person stays in order. */
    @Override
    default String key() {
        return homeSubject() != null ? homeTenantId() + "/" + homeSubject() : homeTenantId() + "/" + email();
    }
}
