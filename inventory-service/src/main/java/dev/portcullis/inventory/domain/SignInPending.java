package dev.portcullis.inventory.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A guest's sign-in that guest-signed-in has still to tell (SignInActivity's publisher): appended, never updated, and deleted once
 * told. The ingest appends its batches with SQL; an import of a guest who signed in before appends one as an entity, so that it is
 * written after the guest, in the import's JDBC batches.
 */
@Entity
@Table(name = "sign_in_pending")
public class SignInPending extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "guest_id", nullable = false)
    public UUID guestId;

    @Column(name = "signed_in_at", nullable = false)
    public Instant signedInAt;

    /** The guest's first sign-in, which made them ACTIVE: told at once. */
    @Column(nullable = false)
    public boolean activation;

    @Column(name = "due_at", nullable = false)
    public Instant dueAt;

    /** An activation to tell at once. */
    public static SignInPending activation(UUID guestId, Instant signedInAt, Instant now) {
        SignInPending pending = new SignInPending();
        pending.id = dev.portcullis.backbone.Ids.next();
        pending.guestId = guestId;
        pending.signedInAt = signedInAt;
        pending.activation = true;
        pending.dueAt = now;
        return pending;
    }
}
