package dev.portcullis.readmodel;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.backbone.inbox.IncomingEvent;
import dev.portcullis.backbone.rest.IdempotencyKeys;
import dev.portcullis.backbone.work.AppendAtCommit;
import dev.portcullis.backbone.work.PerTransaction;
import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.GuestInvited;
import dev.portcullis.events.GuestRemoved;
import dev.portcullis.events.GuestUpdated;
import dev.portcullis.events.GuestSignedIn;
import dev.portcullis.events.GuestUnblocked;
import dev.portcullis.events.PartnerUpserted;
import dev.portcullis.events.ResourceUpserted;
import dev.portcullis.events.Topic;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.FlushModeType;
import java.sql.Types;
import java.time.Clock;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.hibernate.query.NativeQuery;
import org.hibernate.type.StandardBasicTypes;
import org.jboss.logging.Logger;

/**
 * Keeps this service's copy of guests, grants, resources and partners, from inventory-service's topics.
 * Events of types it does not use are recorded by the inbox and otherwise ignored. One channel reads the
 * four topics, and takes a poll's records at once ({@code batch=true}) to apply them in one transaction:
 * a partner signal's events (the guest's block on {@code inventory.guests}, its revocations on
 * {@code inventory.access}) are one poll and one commit, not one per topic.
 */
@ApplicationScoped
public class AccessReadModel {

    private static final Logger LOG = Logger.getLogger(AccessReadModel.class);

    @Inject
    Inbox inbox;

    @Inject
    IdempotencyKeys idempotencyKeys;

    @Inject
    Event<GrantsRevoked> grantsRevoked;

    @Inject
    jakarta.transaction.TransactionSynchronizationRegistry transactions;

    @Inject
    Event<GrantAdded> grantAdded;

    @Inject
    Event<ReadModelChanged> changed;

    @Inject
    Event<GuestErased> erased;

    @Inject
    dev.portcullis.backbone.outbox.Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    AppendAtCommit appendAtCommit;

    /** The channel over inventory's guests, access, resources and partners topics (this module's microprofile-config.properties). */
    public static final String CHANNEL = "inventory-read-model";

    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecords<String, String> records) {
        inbox.applyAll(records, this::apply, this::tellRevocations);
    }

    private void apply(IncomingEvent event) {
        Topic topic = event.type().map(EventType::topic).orElse(null);
        if (topic == Topic.INVENTORY_GUESTS) {
            applyGuest(event);
        } else if (topic == Topic.INVENTORY_ACCESS) {
            applyAccess(event);
        } else if (topic == Topic.INVENTORY_RESOURCES) {
            applyResource(event);
        } else if (topic == Topic.INVENTORY_PARTNERS) {
            applyPartner(event);
        }
    }

    /** The grants this transaction learned had ended, told to the observers at once, before it commits: one statement each, not one per grant. */
    private void tellRevocations() {
        java.util.List<GrantRevoked> revoked = revokedInThisTransaction();
        if (!revoked.isEmpty()) {
            grantsRevoked.fire(new GrantsRevoked(java.util.List.copyOf(revoked)));
            revoked.clear();
        }
    }

    private java.util.List<GrantRevoked> revokedInThisTransaction() {
        return PerTransaction.value(transactions, GrantsRevoked.class, java.util.ArrayList<GrantRevoked>::new);
    }

    private void applyResource(IncomingEvent event) {
        if (event.type().orElse(null) == EventType.RESOURCE_UPSERTED) {
            ResourceUpserted r = event.as(ResourceUpserted.class);
            KnownResource resource = KnownResource.<KnownResource>findByIdOptional(UUID.fromString(r.resourceId())).orElseGet(KnownResource::new);
            boolean isNew = resource.resourceId == null;
            resource.resourceId = UUID.fromString(r.resourceId());
            resource.name = r.name();
            resource.sensitivity = r.sensitivity();
            resource.scenarioId = r.scenarioId();
            resource.owners.clear();
            r.owners().forEach(o -> resource.owners.add(o.toLowerCase(java.util.Locale.ROOT)));
            resource.updatedAt = clock.instant();
            if (isNew) {
                resource.persist();
            }
            changed.fire(new ReadModelChanged(ReadModelChanged.Kind.RESOURCE, resource.resourceId));
        }
    }

    private void applyPartner(IncomingEvent event) {
        if (event.type().orElse(null) == EventType.PARTNER_UPSERTED) {
            PartnerUpserted p = event.as(PartnerUpserted.class);
            KnownPartner partner = KnownPartner.<KnownPartner>findByIdOptional(UUID.fromString(p.partnerId())).orElseGet(KnownPartner::new);
            boolean isNew = partner.partnerId == null;
            partner.partnerId = UUID.fromString(p.partnerId());
            partner.name = p.name();
            partner.tenantId = p.tenantId();
            partner.state = p.state();
            partner.domains.clear();
            p.domains().forEach(d -> partner.domains.add(d.toLowerCase(java.util.Locale.ROOT)));
            partner.updatedAt = clock.instant();
            if (p.signalChannels() != null) { // an event that does not say keeps what an earlier one said
                partner.ssfVerifiedAt = p.signalChannels().ssfVerifiedAt();
                partner.lastSignalAt = p.signalChannels().lastSignalAt();
                partner.scimProvisionedAt = p.signalChannels().scimProvisionedAt();
            }
            if (isNew) {
                partner.persist();
            }
        }
    }

    private void applyGuest(IncomingEvent event) {
        EventType type = event.type().orElse(null);
        if (type == EventType.GUEST_INVITED) {
            GuestInvited g = event.as(GuestInvited.class);
            KnownGuest guest = KnownGuest.<KnownGuest>findByIdOptional(UUID.fromString(g.guestId())).orElseGet(KnownGuest::new);
            boolean isNew = guest.guestId == null;
            guest.guestId = UUID.fromString(g.guestId());
            guest.email = g.email();
            guest.partnerId = g.partnerId() == null ? null : UUID.fromString(g.partnerId());
            guest.state = "INVITED";
            guest.invitedAt = g.invitedAt();
            guest.sponsors.clear();
            g.sponsors().forEach(s -> guest.sponsors.add(s.toLowerCase(java.util.Locale.ROOT)));
            guest.updatedAt = clock.instant();
            if (isNew) {
                guest.persist();
            }
            changed.fire(new ReadModelChanged(ReadModelChanged.Kind.GUEST, guest.guestId));
        } else if (type == EventType.GUEST_UPDATED) {
            // a new address (SCIM, or the partner's identifier-changed) or new sponsors: the policies' facts change with them
            GuestUpdated g = event.as(GuestUpdated.class);
            KnownGuest.<KnownGuest>findByIdOptional(UUID.fromString(g.guestId())).ifPresent(guest -> {
                guest.email = g.email();
                guest.sponsors.clear();
                g.sponsors().forEach(s -> guest.sponsors.add(s.toLowerCase(java.util.Locale.ROOT)));
                guest.updatedAt = clock.instant();
                changed.fire(new ReadModelChanged(ReadModelChanged.Kind.GUEST, guest.guestId));
            });
        } else if (type == EventType.GUEST_BLOCKED) {
            setState(event.as(GuestBlocked.class).guestId(), "BLOCKED");
        } else if (type == EventType.GUEST_UNBLOCKED) {
            GuestUnblocked g = event.as(GuestUnblocked.class);
            setState(g.guestId(), g.state());
        } else if (type == EventType.GUEST_REMOVED) {
            GuestRemoved removed = event.as(GuestRemoved.class);
            String guestId = removed.guestId();
            KnownGuest known = KnownGuest.<KnownGuest>findByIdOptional(UUID.fromString(guestId)).orElse(null);
            String email = removed.email() != null ? removed.email() : known == null ? null : known.email;
            // the service's own copies first, while the address is still known, and the published events that held it
            boolean named = email != null && !email.equals(GuestRemoved.erasedEmail(guestId));
            erased.fire(new GuestErased(UUID.fromString(guestId), named ? email : null));
            if (named) {
                outbox.erase(email, GuestRemoved.erasedEmail(guestId));
                idempotencyKeys.erase(email, GuestRemoved.erasedEmail(guestId));
            }
            // inventory erased the guest's personal data on removal; this copy goes too
            if (known != null) {
                known.email = GuestRemoved.erasedEmail(guestId);
            }
            setState(guestId, "REMOVED");
        } else if (type == EventType.GUEST_SIGNED_IN) {
            GuestSignedIn s = event.as(GuestSignedIn.class);
            KnownGuest.<KnownGuest>findByIdOptional(UUID.fromString(s.guestId())).ifPresent(guest -> {
                if (guest.lastSignInAt == null || s.lastSignInAt().isAfter(guest.lastSignInAt)) {
                    guest.lastSignInAt = s.lastSignInAt();
                }
                if (s.activated() && "INVITED".equals(guest.state)) {
                    guest.state = "ACTIVE";
                    changed.fire(new ReadModelChanged(ReadModelChanged.Kind.GUEST, guest.guestId));
                }
                guest.updatedAt = clock.instant();
            });
        }
    }

    /**
     * A guest's new state (blocked, unblocked, removed). As one statement, without loading the guest and its sponsors, unless this
     * transaction holds the guest already (an earlier event of the poll): then on the entity, whose flush would otherwise write the
     * state it holds back over the statement's.
     */
    private void setState(String guestId, String state) {
        UUID id = UUID.fromString(guestId);
        KnownGuest held = KnownGuest.getEntityManager().getReference(KnownGuest.class, id); // no read: the session's, or a proxy
        if (org.hibernate.Hibernate.isInitialized(held)) {
            held.state = state;
            held.updatedAt = clock.instant();
            changed.fire(new ReadModelChanged(ReadModelChanged.Kind.GUEST, id));
            return;
        }
        int updated = KnownGuest.getEntityManager().createNativeQuery("update rm_guest set state = ?1, updated_at = ?2 where guest_id = ?3")
                .setFlushMode(FlushModeType.COMMIT).unwrap(NativeQuery.class).addSynchronizedQuerySpace("rm_guest")
                .setParameter(1, state).setParameter(2, clock.instant(), StandardBasicTypes.INSTANT).setParameter(3, id).executeUpdate();
        if (updated > 0) {
            changed.fire(new ReadModelChanged(ReadModelChanged.Kind.GUEST, id));
        }
    }

    /**
     * A grant's event, as one row written as the transaction commits ({@link AppendAtCommit}): no entity loaded and no statement
     * of its own, so a batch of revocations (a blocked guest's twenty grants) neither reads each grant first nor makes a round trip
     * per grant. Nothing in a consumer's transaction reads the read model's grants back; the observers it tells take what they need
     * from the event. An {@code access-granted} inserts the grant (a repeat changes nothing); an {@code access-revoked} inserts it
     * revoked, or revokes it: for a grant this service never heard of (it predates the subscription, or its event was pruned). Keyed
     * by the grant: a grant's two events in one poll are applied one after the other.
     */
    private static final AppendAtCommit.Insert GRANT = AppendAtCommit.Insert.upsert(0, "insert into rm_grant"
            + " (grant_id, guest_id, resource_id, role, state, expires_at, revoked_reason, updated_at)"
            + " values (cast(? as uuid), cast(? as uuid), cast(? as uuid), ?, ?, ?, ?, ?)"
            + " on conflict (grant_id) do update set guest_id = excluded.guest_id, resource_id = excluded.resource_id, state = excluded.state,"
            + " revoked_reason = excluded.revoked_reason, updated_at = excluded.updated_at where excluded.state = 'REVOKED'",
            Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR,
            Types.TIMESTAMP_WITH_TIMEZONE);

    private void applyAccess(IncomingEvent event) {
        EventType type = event.type().orElse(null);
        if (type == EventType.ACCESS_GRANTED) {
            AccessGranted g = event.as(AccessGranted.class);
            UUID grantId = UUID.fromString(g.grantId());
            UUID guestId = UUID.fromString(g.guestId());
            UUID resourceId = UUID.fromString(g.resourceId());
            appendAtCommit.append(GRANT, grantId, guestId, resourceId, g.role(), KnownGrant.ACTIVE, g.expiresAt(), null, clock.instant());
            grantAdded.fire(new GrantAdded(grantId, guestId, resourceId, g.role(), g.requestId()));
            changed.fire(new ReadModelChanged(ReadModelChanged.Kind.GUEST, guestId));
        } else if (type == EventType.ACCESS_REVOKED) {
            AccessRevoked r = event.as(AccessRevoked.class);
            UUID grantId = UUID.fromString(r.grantId());
            UUID guestId = UUID.fromString(r.guestId());
            UUID resourceId = UUID.fromString(r.resourceId());
            appendAtCommit.append(GRANT, grantId, guestId, resourceId, r.role() == null ? "" : r.role(), KnownGrant.REVOKED, null, r.reason().name(),
                    clock.instant());
            revokedInThisTransaction().add(new GrantRevoked(grantId, guestId, resourceId, r.reason().name(), r.causeId(), r.revokedAt()));
            changed.fire(new ReadModelChanged(ReadModelChanged.Kind.GUEST, guestId));
            LOG.debugf("read model grant=%s guest=%s revoked reason=%s", grantId, guestId, r.reason());
        }
    }
}
