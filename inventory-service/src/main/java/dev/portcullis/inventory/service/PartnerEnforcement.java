package dev.portcullis.inventory.service;

import dev.portcullis.backbone.work.AfterCommit;
import dev.portcullis.backbone.work.BackgroundWorker;
import dev.portcullis.backbone.work.SinglePass;
import dev.portcullis.inventory.domain.AccessGrant;
import dev.portcullis.inventory.domain.GuestChangeReason;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.GuestState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The org-wide kill switch, carried out: the guests of a BLOCKED partner are blocked and lose every
 * grant (PARTNER_BLOCKED), each with its own events, and when the partner leaves BLOCKED the blocks it
 * put on are lifted, no other. It reconciles guests with their partner's committed state in batches of
 * {@value #BATCH}, each a transaction: the first revocations are on Kafka while later guests wait their
 * turn, no transaction grows with the partner, and a run killed halfway is finished by the next
 * (woken at the partner's commit, polling every {@value #POLL_SECONDS} s). One pass at a time across
 * instances (a transaction-scoped advisory lock); each guest is changed under its row lock, re-checked
 * there, and locked in id order as a signal locks them.
 */
@ApplicationScoped
public class PartnerEnforcement {

    private static final Logger LOG = Logger.getLogger(PartnerEnforcement.class);

    /** The single pass that enforces partners' states on their guests. */
    static final String PASS = "inventory:partner-enforcement";
    static final int BATCH = 200;
    static final int POLL_SECONDS = 5;

    @Inject
    EntityManager em;

    @Inject
    SinglePass singlePass;

    @Inject
    Revocations revocations;

    @Inject
    PersonalData personalData;

    @Inject
    dev.portcullis.backbone.outbox.Outbox outbox;

    @Inject
    AfterCommit afterCommit;

    @Inject
    java.time.Clock clock;

    private final BackgroundWorker worker = new BackgroundWorker("partner-enforcement", this::pass, Duration.ofSeconds(POLL_SECONDS),
            Duration.ofSeconds(30));

    void start(@Observes StartupEvent event) {
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop();
    }

    /** Runs a pass as soon as the current transaction (a partner's change of state) has committed. */
    public void wakeAfterCommit() {
        afterCommit.runOnce(PartnerEnforcement.class, worker::wake);
    }

    /**
     * This instance's run of passes, while it lasts (null: the next pass starts one, from the first guest, over every partner).
     * {@code after}: the last guest of the previous batch, where the next pass goes on; the guests done lie behind it, so a pass no
     * longer reads every guest of the partner blocked so far (134 ms a batch by the end of a block of 10,000). {@code partners}:
     * those with a guest out of line when the run began, and any whose state changed since {@code began} (a partner blocked
     * meanwhile, here or on another instance, does not wait for the run to end): a partner whose block was carried out earlier
     * has every guest blocked with no grant left, and reading them again at each pass, each checked for an active grant, was most
     * of a pass's query (176 ms a pass while a second partner of 10,000 was blocked). A run ends with a pass from the first guest
     * over every partner, so a guest that fell out of line behind the cursor or outside those partners is not missed.
     */
    private record Run(UUID after, List<UUID> partners, java.time.Instant began) {
    }

    private volatile Run run;

    private static final String DUE = """
            select * from (
                select g.id, p.state, p.id as partner_id, p.state_changed_by from partner p join guest g on g.partner_id = p.id
                where p.state = 'BLOCKED' and g.state <> 'REMOVED' and g.id > ?2 %1$s
                and (g.state <> 'BLOCKED' or exists (select 1 from access_grant a where a.guest_id = g.id and a.state = 'ACTIVE'))
                union all
                select g.id, p.state, p.id, p.state_changed_by from guest g join partner p on p.id = g.partner_id
                where g.state = 'BLOCKED' and g.blocked_reason = 'PARTNER_BLOCKED' and p.state <> 'BLOCKED' and g.id > ?2 %1$s
            ) due order by id limit ?1""";

    /** The partners with a guest out of line with their state: a blocked partner's guest not blocked or with a grant left, or a guest still blocked by a partner no longer blocked. */
    @SuppressWarnings("unchecked")
    private List<UUID> outOfLine() {
        return em.createNativeQuery("""
                select p.id from partner p where p.state = 'BLOCKED' and exists (select 1 from guest g where g.partner_id = p.id
                    and g.state <> 'REMOVED' and (g.state <> 'BLOCKED' or exists (select 1 from access_grant a where a.guest_id = g.id and a.state = 'ACTIVE')))
                union all
                select p.id from partner p where p.state <> 'BLOCKED' and exists (select 1 from guest g where g.partner_id = p.id
                    and g.state = 'BLOCKED' and g.blocked_reason = 'PARTNER_BLOCKED')""").getResultList();
    }

    /** One batch of guests out of line with their partner's state; true when more may be waiting. */
    boolean pass() {
        Run current = run;
        run = null; // a pass that fails leaves the next one to start over
        UUID from = current == null ? null : current.after();
        return QuarkusTransaction.requiringNew().timeout(120).call(() -> {
            if (!singlePass.tryTake(PASS)) {
                return false;
            }
            jakarta.persistence.Query query = em.createNativeQuery(DUE.formatted(current == null ? ""
                    : "and (p.id = any(cast(?3 as uuid[])) or p.state_changed_at >= ?4)"))
                    .setParameter(1, BATCH).setParameter(2, from == null ? new UUID(0, 0) : from);
            if (current != null) {
                // a minute's margin: a partner's change committed after the run began may carry a slightly earlier time
                query.setParameter(3, current.partners().stream().map(UUID::toString).toArray(String[]::new))
                        .setParameter(4, current.began().minus(Duration.ofMinutes(1)));
            }
            @SuppressWarnings("unchecked")
            List<Object[]> due = query.getResultList();
            if (due.isEmpty()) {
                // nothing after the cursor: once more from the first guest, unless this pass was that one
                return from != null;
            }
            // each guest's work reads only its own rows, which nothing earlier in this batch changed: no query needs a flush first
            em.setFlushMode(FlushModeType.COMMIT);
            // the batch's guests locked in one statement, in id order as every locker of several guests does; then their active
            // grants, and those grants' resources, read at once rather than a round trip each per guest
            List<UUID> ids = due.stream().map(row -> (UUID) row[0]).toList();
            Map<UUID, Guest> guests = Guest.lockAll(ids).stream().collect(Collectors.toMap(g -> g.id, Function.identity()));
            Map<UUID, List<AccessGrant>> activeGrants = AccessGrant.activeOf(ids).stream().collect(Collectors.groupingBy(g -> g.guestId));
            Revocations.resourcesOf(activeGrants.values().stream().flatMap(List::stream).toList());
            // and what each guest's events and audit records take: its key's outbox sequence, its personal data's key
            outbox.reserveKeys(ids.stream().map(UUID::toString).toList());
            personalData.readKeys(ids);
            int changed = 0;
            for (Object[] row : due) {
                UUID guestId = (UUID) row[0];
                boolean blocking = "BLOCKED".equals(row[1]);
                String cause = "partner:" + row[2];
                String actor = row[3] == null ? "system:partner-enforcement" : (String) row[3];
                Guest guest = guests.get(guestId);
                if (guest == null || guest.state == GuestState.REMOVED) {
                    continue;
                }
                if (blocking) {
                    // a guest blocked already (a signal, an admin) keeps that block's reason, but loses what access it had left
                    changed += revocations.blockAndRevokeAll(guest, activeGrants.getOrDefault(guestId, List.of()), GuestChangeReason.PARTNER_BLOCKED,
                            cause, actor).changedAnything() ? 1 : 0;
                } else if (guest.state == GuestState.BLOCKED && guest.blockedReason == GuestChangeReason.PARTNER_BLOCKED) {
                    changed += revocations.unblock(guest, GuestChangeReason.PARTNER_UNBLOCKED, cause, actor) ? 1 : 0;
                }
            }
            LOG.infof("partner enforcement: %d of %d guest(s) changed", changed, due.size());
            if (due.size() == BATCH) {
                UUID last = (UUID) due.get(due.size() - 1)[0];
                run = current != null ? new Run(last, current.partners(), current.began()) : new Run(last, outOfLine(), clock.instant());
                return true;
            }
            return from != null;
        });
    }
}
