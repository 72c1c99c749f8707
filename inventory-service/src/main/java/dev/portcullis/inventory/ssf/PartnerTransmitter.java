package dev.portcullis.inventory.ssf;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A partner's Shared Signals transmitter: whose SETs Portcullis accepts for that partner, and how it knows them. */
@Entity
@Table(name = "partner_transmitter")
public class PartnerTransmitter extends PanacheEntityBase {

    @Id
    @Column(name = "partner_id")
    public UUID partnerId;

    /** The {@code iss} of its SETs, and the base of its {@code /.well-known/ssf-configuration}. */
    @Column(nullable = false)
    public String issuer;

    /** The {@code aud} its SETs must name (the stream's audience). */
    @Column(nullable = false)
    public String audience;

    /** Its keys, as its SSF configuration said when it was connected. */
    @Column(name = "jwks_uri", nullable = false)
    public String jwksUri;

    /** SHA-256 (hex) of the push authorization given to the transmitter; the value itself is shown once. */
    @Column(name = "push_token_sha256", nullable = false)
    public String pushTokenSha256;

    /** Whether a CAEP credential-change of change_type revoke is taken as CREDENTIAL_COMPROMISED; otherwise it is recorded only. */
    @Column(name = "credential_revoke_is_compromise", nullable = false)
    public boolean credentialRevokeIsCompromise;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
