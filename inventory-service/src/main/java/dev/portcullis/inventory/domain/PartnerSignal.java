package dev.portcullis.inventory.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** A signal received from a partner, and what it did here. */
@Entity
@Table(name = "partner_signal")
public class PartnerSignal extends PanacheEntityBase {

    @Id
    public UUID id;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public SignalType type;

    @Column(name = "home_tenant_id", nullable = false)
    public String homeTenantId;

    @Column(name = "home_subject")
    public String homeSubject;

    public String email;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    @Column(name = "received_by", nullable = false)
    public String receivedBy;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public SignalChannel channel;

    /** The same statement from the partner, however often or by whichever channel it arrives, is one signal. */
    @Column(name = "dedupe_key", nullable = false, unique = true, length = 1200)
    public String dedupeKey;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public SignalOutcome outcome;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "partner_signal_guest", joinColumns = @JoinColumn(name = "signal_id"))
    @Column(name = "guest_id")
    public Set<UUID> matchedGuestIds = new LinkedHashSet<>();

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "partner_signal_grant", joinColumns = @JoinColumn(name = "signal_id"))
    @Column(name = "grant_id")
    public Set<UUID> revokedGrantIds = new LinkedHashSet<>();

    public static String dedupeKey(SignalType type, String homeTenantId, String homeSubject, String email, Instant occurredAt) {
        return String.join("|", type.name(), homeTenantId, homeSubject == null ? "" : homeSubject,
                email == null ? "" : email.toLowerCase(java.util.Locale.ROOT), occurredAt.toString());
    }

    public static Optional<PartnerSignal> byDedupeKey(String key) {
        return find("dedupeKey", key).firstResultOptional();
    }
}
