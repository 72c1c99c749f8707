package dev.portcullis.readmodel;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** A partner organization as this service last heard of it from inventory.partners. */
@Entity
@Table(name = "rm_partner")
public class KnownPartner extends PanacheEntityBase {

    @Id
    @Column(name = "partner_id")
    public UUID partnerId;

    @Column(nullable = false)
    public String name;

    @Column(name = "tenant_id", nullable = false)
    public String tenantId;

    /** CONNECTED, PROPOSED or BLOCKED. */
    @Column(nullable = false)
    public String state;

    /** Lower case. */
    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "rm_partner_domain", joinColumns = @JoinColumn(name = "partner_id"))
    @Column(name = "domain")
    public Set<String> domains = new LinkedHashSet<>();

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Its Shared Signals stream verified, its last signal, its SCIM provisioning: whether its offboarding reaches us (null: never). */
    @Column(name = "ssf_verified_at")
    public Instant ssfVerifiedAt;

    @Column(name = "last_signal_at")
    public Instant lastSignalAt;

    @Column(name = "scim_provisioned_at")
    public Instant scimProvisionedAt;

    /** The partner an address belongs to: the one with its domain. */
    public static Optional<KnownPartner> byEmail(String email) {
        String domain = email.substring(email.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        return find("select p from KnownPartner p join p.domains d where d = ?1", domain).firstResultOptional();
    }

    public static Optional<KnownPartner> byTenant(String tenantId) {
        return find("tenantId", tenantId).firstResultOptional();
    }
}
