package dev.portcullis.inventory.domain;

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

    /** The {@code aud} its SETs must name (the stream's audience: given by the admin, or by the transmitter when Portcullis made the stream). */
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

    // ---- the stream Portcullis made at the transmitter, when the admin gave it a client of the partner's IdP

    @Column(name = "token_endpoint")
    public String tokenEndpoint;

    @Column(name = "client_id")
    public String clientId;

    @Column(name = "client_secret")
    public String clientSecret;

    public String scope;

    @Column(name = "configuration_endpoint")
    public String configurationEndpoint;

    @Column(name = "status_endpoint")
    public String statusEndpoint;

    @Column(name = "verification_endpoint")
    public String verificationEndpoint;

    @Column(name = "stream_id")
    public String streamId;

    /** PUSH or POLL; null when the stream was set up by hand at the transmitter. */
    public String delivery;

    @Column(name = "poll_endpoint")
    public String pollEndpoint;

    /** The state of the verification asked for when the stream was made; {@code verifiedAt} once its SET came back. */
    @Column(name = "verification_state")
    public String verificationState;

    @Column(name = "verified_at")
    public Instant verifiedAt;

    @Column(name = "last_polled_at")
    public Instant lastPolledAt;

    @Column(name = "last_error")
    public String lastError;

    /** Whether Portcullis manages a stream at the transmitter. */
    public boolean managesStream() {
        return streamId != null && configurationEndpoint != null;
    }

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
