package dev.portcullis.inventory.service;

import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.work.SinglePass;
import dev.portcullis.events.AccessExpiring;
import dev.portcullis.events.GuestSponsorMissing;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.inventory.config.InventorySettings;
import dev.portcullis.inventory.domain.GuestChangeReason;
import dev.portcullis.inventory.domain.AccessGrant;
import dev.portcullis.inventory.domain.GrantState;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.GuestState;
import dev.portcullis.inventory.domain.Resource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The scheduled lifecycle of guests and grants: expired grants revoked (EXPIRED) and expiry notices
 * sent 14 days and 1 day before; ACTIVE guests inactive too long blocked (INACTIVE); invitations not
 * redeemed in time removed (INVITATION_EXPIRED); BLOCKED guests removed after the retention period
 * (RETENTION); guests nobody vouches for any more are reported once (guest-sponsor-missing). Each
 * action goes through {@link Revocations}, so it has the events a signal or an admin
 * would cause, and none of them ever unblocks anybody.
 * <p>
 * With several instances, each batch's transaction first takes a transaction-scoped advisory lock:
 * an instance that finds it taken leaves the run to the holder. Each guest is then changed under its
 * row lock and re-checked there, so even two runs that did overlap would act once. A run killed
 * halfway loses only its open batch, which the next run finds again.
 */
@ApplicationScoped
public class LifecycleJobs {

    private static final Logger LOG = Logger.getLogger(LifecycleJobs.class);

    /**
     * The single passes of lifecycle batches (SinglePass, this plus the job's number). One per job: an
     * instance that finds a job's lock taken skips that job because the other is in it and finishes it;
     * one lock for all jobs would let two instances skip the same job, each while the other was in
     * another.
     */
    static final String PASS = "inventory:lifecycle-job:";

    /** Batches one run takes at most per job: the next run, a minute later, goes on. */
    private static final int MAX_BATCHES = 50;

    /** The actor the jobs' events name. */
    public static final String ACTOR = "system:lifecycle";

    @Inject
    EntityManager em;

    @Inject
    SinglePass singlePass;

    @Inject
    Revocations revocations;

    @Inject
    Outbox outbox;

    @Inject
    AuditTrail audit;

    @Inject
    Clock clock;

    @Inject
    InventorySettings settings;

    /** What one run did. {@code skipped}: another instance held the lock. */
    public record Report(boolean skipped, int grantsExpired, int expiryNotices, int blockedInactive, int invitationsExpired,
            int removedAfterRetention, int sponsorMissingReported) {
    }

    @Scheduled(every = "${portcullis.inventory.lifecycle.every:1m}", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        Report report = run(clock.instant());
        if (report.grantsExpired() + report.expiryNotices() + report.blockedInactive() + report.invitationsExpired() + report.removedAfterRetention()
                + report.sponsorMissingReported() > 0) {
            LOG.infof("lifecycle run: %s", report);
        }
    }

    /** Runs every job as of {@code now}: the scheduler passes the clock's time, a test a later one. */
    public Report run(Instant now) {
        int batch = settings.lifecycle().batchSize();
        Counter expired = job(0, () -> em.createQuery("select g.id from AccessGrant g where g.state = :active and g.expiresAt <= :now order by g.guestId, g.id",
                UUID.class).setParameter("active", GrantState.ACTIVE).setParameter("now", now).setMaxResults(batch).getResultList(),
                grantId -> expire(grantId, now));
        Counter notices = job(1, () -> em.createQuery("""
                select g.id from AccessGrant g where g.state = :active and g.expiresAt > :now and g.expiresAt <= :in14
                and (g.expiryNoticeDays is null or (g.expiryNoticeDays > 1 and g.expiresAt <= :in1)) order by g.guestId, g.id""", UUID.class)
                .setParameter("active", GrantState.ACTIVE).setParameter("now", now).setParameter("in14", now.plus(Duration.ofDays(14)))
                .setParameter("in1", now.plus(Duration.ofDays(1))).setMaxResults(batch).getResultList(),
                grantId -> notice(grantId, now));
        Instant inactiveSince = now.minus(Duration.ofDays(settings.lifecycle().inactiveDays()));
        Predicate<Guest> inactive = g -> g.state == GuestState.ACTIVE && !activitySince(g).isAfter(inactiveSince);
        Counter blocked = job(2, () -> guests("""
                g.state = :state and coalesce(g.lastSignInAt, g.createdAt) <= :since and (g.unblockedAt is null or g.unblockedAt <= :since)""",
                GuestState.ACTIVE, inactiveSince, batch),
                guestId -> onGuest(guestId, inactive, g -> revocations.blockOnly(g, GuestChangeReason.INACTIVE,
                        "inactive since " + activitySince(g), ACTOR)));
        Instant invitedBefore = now.minus(settings.lifecycle().invitationExpiry());
        Counter invitations = job(3, () -> guests("g.state = :state and g.createdAt <= :since", GuestState.INVITED, invitedBefore, batch),
                guestId -> onGuest(guestId, g -> g.state == GuestState.INVITED && !g.createdAt.isAfter(invitedBefore),
                        g -> revocations.remove(g, GuestChangeReason.INVITATION_EXPIRED, null, ACTOR).isPresent()));
        Instant blockedBefore = now.minus(settings.lifecycle().retention());
        Counter retention = job(4, () -> guests("g.state = :state and g.blockedAt <= :since", GuestState.BLOCKED, blockedBefore, batch),
                guestId -> onGuest(guestId, g -> g.state == GuestState.BLOCKED && !g.blockedAt.isAfter(blockedBefore),
                        g -> revocations.remove(g, GuestChangeReason.RETENTION, "blocked at " + g.blockedAt + " (" + g.blockedReason + ")", ACTOR).isPresent()));
        Counter sponsorless = job(5, () -> em.createQuery("""
                select g.id from Guest g where g.state <> :removed and g.sponsors is empty and g.sponsorMissingReportedAt is null order by g.id""",
                UUID.class).setParameter("removed", GuestState.REMOVED).setMaxResults(batch).getResultList(),
                guestId -> onGuest(guestId, g -> g.state != GuestState.REMOVED && g.sponsors.isEmpty() && g.sponsorMissingReportedAt == null,
                        g -> reportSponsorMissing(g, now)));
        boolean skipped = expired.skipped || notices.skipped || blocked.skipped || invitations.skipped || retention.skipped || sponsorless.skipped;
        return new Report(skipped, expired.done, notices.done, blocked.done, invitations.done, retention.done, sponsorless.done);
    }

    private List<UUID> guests(String where, GuestState state, Instant since, int batch) {
        return em.createQuery("select g.id from Guest g where " + where + " order by g.id", UUID.class)
                .setParameter("state", state).setParameter("since", since).setMaxResults(batch).getResultList();
    }

    private static Instant activitySince(Guest g) {
        Instant since = g.lastSignInAt == null ? g.createdAt : g.lastSignInAt;
        return g.unblockedAt != null && g.unblockedAt.isAfter(since) ? g.unblockedAt : since;
    }

    private boolean expire(UUID grantId, Instant now) {
        AccessGrant grant = AccessGrant.findById(grantId);
        Guest.lock(grant.guestId);
        em.refresh(grant);
        if (grant.state != GrantState.ACTIVE || grant.expiresAt == null || grant.expiresAt.isAfter(now)) {
            return false;
        }
        revocations.revoke(grant, RevocationReason.EXPIRED, "expired at " + grant.expiresAt, ACTOR);
        return true;
    }

    private boolean notice(UUID grantId, Instant now) {
        AccessGrant grant = AccessGrant.findById(grantId);
        Guest guest = Guest.lock(grant.guestId).orElseThrow();
        em.refresh(grant);
        if (grant.state != GrantState.ACTIVE || grant.expiresAt == null || !grant.expiresAt.isAfter(now)) {
            return false;
        }
        int days = grant.expiresAt.isAfter(now.plus(Duration.ofDays(1))) ? 14 : 1;
        if (grant.expiryNoticeDays != null && grant.expiryNoticeDays <= days) {
            return false;
        }
        Resource resource = Resource.findById(grant.resourceId);
        grant.expiryNoticeDays = days;
        outbox.publish(new AccessExpiring(grant.id.toString(), guest.id.toString(), guest.email, List.copyOf(guest.sponsors), resource.id.toString(),
                resource.name, List.copyOf(resource.owners), grant.role, grant.expiresAt, days));
        audit.record(AuditTrail.change("GRANT_EXPIRY_NOTICE", ACTOR).guestId(guest.id).resource(resource.id).target(grant.id)
                .detail("expiresAt", grant.expiresAt).detail("noticeDays", days));
        return true;
    }

    /** Says once that nobody vouches for the guest (guest-sponsor-missing): for an admin to name a sponsor or remove the guest. */
    private boolean reportSponsorMissing(Guest guest, Instant now) {
        guest.sponsorMissingReportedAt = now;
        outbox.publish(new GuestSponsorMissing(guest.id.toString(), guest.partnerId.toString(), guest.state.name(), now));
        audit.record(AuditTrail.change("GUEST_SPONSOR_MISSING", ACTOR).guest(guest));
        return true;
    }

    /** Applies {@code action} to the guest under its row lock, if {@code still} holds there. */
    private boolean onGuest(UUID guestId, Predicate<Guest> still, Function<Guest, Boolean> action) {
        Guest guest = Guest.lock(guestId).orElse(null);
        return guest != null && still.test(guest) && action.apply(guest);
    }

    private static final class Counter {
        int done;
        boolean skipped;
    }

    @FunctionalInterface
    private interface Candidates {
        List<UUID> next();
    }

    @FunctionalInterface
    private interface Action {
        boolean apply(UUID id);
    }

    /** Batches of candidates, each in its own transaction under the job's lock, until none is left (or MAX_BATCHES). */
    private Counter job(int jobNumber, Candidates candidates, Action action) {
        Counter counter = new Counter();
        for (int i = 0; i < MAX_BATCHES; i++) {
            int[] found = {0};
            boolean locked = QuarkusTransaction.requiringNew().call(() -> {
                if (!singlePass.tryTake(PASS + jobNumber)) {
                    return false;
                }
                List<UUID> ids = candidates.next();
                found[0] = ids.size();
                for (UUID id : ids) {
                    counter.done += action.apply(id) ? 1 : 0;
                }
                return true;
            });
            if (!locked) {
                counter.skipped = true;
                return counter;
            }
            if (found[0] < settings.lifecycle().batchSize()) {
                return counter;
            }
        }
        return counter;
    }
}
