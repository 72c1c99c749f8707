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

@Entity
@Table(name = "partner")
public class Partner extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    @Column(name = "tenant_id", nullable = false, unique = true)
    public String tenantId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public PartnerState state;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "partner_domain", joinColumns = @JoinColumn(name = "partner_id"))
    @Column(name = "domain")
    public Set<String> domains = new LinkedHashSet<>();

    /** The OIDC clients (their {@code azp}) that may send signals for this partner's tenant. */
    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "partner_signal_client", joinColumns = @JoinColumn(name = "partner_id"))
    @Column(name = "client_id")
    public Set<String> signalClients = new LinkedHashSet<>();

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Who last changed the state, and when: the guests follow in that admin's name. */
    @Column(name = "state_changed_by")
    public String stateChangedBy;

    @Column(name = "state_changed_at")
    public java.time.Instant stateChangedAt;

    /** The last signal received for this partner (any channel), recorded at most once a day: whether its offboarding reaches us. */
    @Column(name = "last_signal_at")
    public Instant lastSignalAt;

    /** Since when its guests are provisioned over SCIM (the first one created so). */
    @Column(name = "scim_provisioned_at")
    public Instant scimProvisionedAt;

    public static Optional<Partner> byTenant(String tenantId) {
        return find("tenantId", tenantId).firstResultOptional();
    }

    public static Optional<Partner> byDomain(String domain) {
        return find("select p from Partner p join p.domains d where lower(d) = lower(?1)", domain).firstResultOptional();
    }
}
