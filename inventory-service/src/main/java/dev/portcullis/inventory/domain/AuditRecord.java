package dev.portcullis.inventory.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/** One change, as the audit trail keeps it; see V5__audit_trail.sql. */
@Entity
@Table(name = "audit_record")
public class AuditRecord extends PanacheEntityBase {

    /** From the column's sequence, as {@link dev.portcullis.inventory.service.AuditTrail} writes the record at commit. */
    @Id
    public Long seq;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;

    @Column(nullable = false)
    public String actor;

    @Column(nullable = false)
    public String action;

    @Column(name = "guest_id")
    public UUID guestId;

    @Column(name = "resource_id")
    public UUID resourceId;

    /** The object changed when it is neither the guest nor the resource: a grant, a partner, a signal. */
    @Column(name = "target_id")
    public UUID targetId;

    @Column(length = 1000)
    public String reason;

    @Column(length = 1000)
    public String cause;

    @Column(name = "correlation_id")
    public String correlationId;

    /** What changed, as JSON, with no personal data of a guest. */
    @Column(columnDefinition = "text")
    public String details;

    /** The guest's personal data at the time (email, name, home subject), encrypted with the guest's key. */
    @Column(columnDefinition = "bytea")
    public byte[] personal;

    @Column(name = "chain_seq")
    public Long chainSeq;

    @Column(name = "prev_hash")
    public String prevHash;

    public String hash;

    /** SHA-256 over the previous record's hash and every field of this one: changing any of them breaks the chain. */
    public String computeHash(long position, String previous) {
        String canonical = String.join("\u001f", Long.toString(position), Long.toString(seq), recordedAt.toString(), actor, action,
                String.valueOf(guestId), String.valueOf(resourceId), String.valueOf(targetId), String.valueOf(reason), String.valueOf(cause),
                String.valueOf(correlationId), String.valueOf(details), personal == null ? "-" : Base64.getEncoder().encodeToString(personal),
                String.valueOf(previous));
        return dev.portcullis.backbone.Sha256.hex(canonical);
    }
}
