package dev.portcullis.inventory.service;

import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.work.SinglePass;
import dev.portcullis.events.GuestSignedIn;
import dev.portcullis.inventory.config.InventorySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import dev.portcullis.backbone.work.AfterCommit;
import dev.portcullis.backbone.work.BackgroundWorker;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.Session;
import org.jboss.logging.Logger;

/**
 * Sign-in activity, in batches: each guest's latest sign-in only ever moves forward, and the first one
 * activates an invited guest. A batch is one transaction over plain JDBC with arrays: tens of thousands
 * of records a second, where an entity per record would be a few thousand. {@code guest-signed-in}
 * goes out aggregated, from a publisher beside the ingestion (one pass at a time across instances, a
 * transaction-scoped advisory lock): at most one per guest per interval, carrying the latest sign-in,
 * and at once for an activation. A request never waits for events, and a burst of sign-ins of the
 * same guests costs one event each per interval.
 */
@ApplicationScoped
public class SignInActivity {

    private static final Logger LOG = Logger.getLogger(SignInActivity.class);

    @Inject
    EntityManager em;

    @Inject
    SinglePass singlePass;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    InventorySettings settings;

    /** A record that matched no guest who can sign in, by its index in the batch. */
    /** One sign-in: the guest by id, or by home tenant and subject (as the IdP's sign-in log names them). */
    public record SignIn(
            UUID guestId,
            @Size(max = 255) String homeTenantId,
            @Size(max = 255) String homeSubject,
            @NotNull Instant at) {
    }

    public record Unmatched(int index, String reason) {
    }

    public record Result(int records, int guestsUpdated, int activated, List<Unmatched> unmatched) {
    }

    /** The single pass that publishes sign-in events. */
    static final String PASS = "inventory:sign-in-publish";
    private static final int PUBLISH_BATCH = 1000;

    @Inject
    AfterCommit afterCommit;

    private final BackgroundWorker publisher = new BackgroundWorker("sign-in-events", this::publishPass, Duration.ofSeconds(1), Duration.ofSeconds(30));

    void start(@Observes StartupEvent event) {
        publisher.start();
    }

    void stop(@Observes ShutdownEvent event) {
        publisher.stop();
    }

    /**
     * Publishes guest-signed-in for up to PUBLISH_BATCH guests whose latest sign-in is unpublished and
     * due: an activation at once, any other once the guest's last event is older than the interval.
     * True when more may be due.
     */
    boolean publishPass() {
        return QuarkusTransaction.requiringNew().call(() -> {
            if (!singlePass.tryTake(PASS)) {
                return false;
            }
            Instant now = clock.instant();
            // through guest_sign_in_due: the activations, then those whose last event is older than the interval, and no other
            @SuppressWarnings("unchecked")
            List<Object[]> due = em.createNativeQuery("""
                    select id, last_sign_in_at, state, sign_in_activation_pending from guest where id in (
                        (select id from guest where last_sign_in_at is distinct from sign_in_published_value and state <> 'REMOVED'
                         and sign_in_activation_pending limit ?2)
                        union all
                        (select id from guest where last_sign_in_at is distinct from sign_in_published_value and state <> 'REMOVED'
                         and not sign_in_activation_pending and coalesce(sign_in_published_at, '-infinity'::timestamptz) <= ?1
                         order by coalesce(sign_in_published_at, '-infinity'::timestamptz) limit ?2))
                    and last_sign_in_at is distinct from sign_in_published_value and state <> 'REMOVED'
                    order by id limit ?2 for update skip locked""")
                    .setParameter(1, now.minus(settings.signIns().publishInterval())).setParameter(2, PUBLISH_BATCH).getResultList();
            List<GuestSignedIn> events = new ArrayList<>(due.size());
            for (Object[] guest : due) {
                Instant lastSignInAt = guest[1] instanceof Instant i ? i : ((Timestamp) guest[1]).toInstant();
                events.add(new GuestSignedIn(guest[0].toString(), lastSignInAt, (String) guest[2], (Boolean) guest[3], now));
            }
            // a thousand guests' keys in one round trip, not one each
            outbox.reserveKeys(events.stream().map(GuestSignedIn::key).toList());
            events.forEach(outbox::publish);
            if (!due.isEmpty()) {
                em.createNativeQuery("""
                        update guest set sign_in_published_value = last_sign_in_at, sign_in_published_at = ?1, sign_in_activation_pending = false
                        where id = any(cast(?2 as uuid[]))""").setParameter(1, now)
                        .setParameter(2, due.stream().map(g -> g[0].toString()).toArray(String[]::new)).executeUpdate();
            }
            return due.size() == PUBLISH_BATCH;
        });
    }

    @Inject
    AuditTrail audit;

    /** Applies the batch; one audit record says what it changed (a record per sign-in would be a trail of noise). */
    @Transactional
    public Result ingest(List<SignIn> records, String actor) {
        List<UUID> activatedIds = new ArrayList<>();
        Result result = em.unwrap(Session.class).doReturningWork(connection -> ingest(connection, records, activatedIds));
        if (result.guestsUpdated() > 0) {
            audit.record(AuditTrail.change("SIGN_INS_RECORDED", actor).detail("records", result.records()).detail("guestsUpdated", result.guestsUpdated())
                    .detail("activatedGuestIds", activatedIds));
        }
        return result;
    }

    private Result ingest(Connection connection, List<SignIn> records, List<UUID> activatedIds) throws SQLException {
        // events are the publisher's (publishPass), never this request's
        Map<String, UUID> byHomeIdentity = resolveHomeIdentities(connection, records);
        Map<UUID, Instant> latest = new HashMap<>();
        Map<UUID, List<Integer>> indexes = new HashMap<>();
        List<Unmatched> unmatched = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            SignIn record = records.get(i);
            UUID guestId = record.guestId() != null ? record.guestId() : byHomeIdentity.get(homeIdentity(record.homeTenantId(), record.homeSubject()));
            if (guestId == null) {
                unmatched.add(new Unmatched(i, "no guest with this home tenant and subject"));
                continue;
            }
            // PostgreSQL keeps microseconds: compared at that precision, a repeated record is never "later"
            latest.merge(guestId, record.at().truncatedTo(ChronoUnit.MICROS), (a, b) -> a.isAfter(b) ? a : b);
            indexes.computeIfAbsent(guestId, id -> new ArrayList<>()).add(i);
        }
        List<UUID> ids = new ArrayList<>();
        List<String> times = new ArrayList<>();
        List<String> states = new ArrayList<>();
        int activated = 0;
        // locked in id order, as every other writer of several guests locks them: two batches never deadlock
        try (PreparedStatement select = connection.prepareStatement(
                "select id, state, last_sign_in_at from guest where id = any(?) order by id for update")) {
            select.setArray(1, connection.createArrayOf("uuid", latest.keySet().toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    UUID id = rows.getObject(1, UUID.class);
                    String state = rows.getString(2);
                    Instant last = instant(rows.getTimestamp(3));
                    Instant at = latest.remove(id);
                    if ("REMOVED".equals(state)) {
                        indexes.get(id).forEach(i -> unmatched.add(new Unmatched(i, "the guest is REMOVED")));
                        continue;
                    }
                    if (last != null && !at.isAfter(last)) {
                        continue; // an older or repeated record never moves time back
                    }
                    boolean activates = "INVITED".equals(state);
                    ids.add(id);
                    times.add(at.toString());
                    states.add(activates ? "ACTIVE" : state);
                    if (activates) {
                        activated++;
                        activatedIds.add(id);
                    }
                }
            }
        }
        // what is left named a guest id that does not exist
        latest.keySet().forEach(id -> indexes.get(id).forEach(i -> unmatched.add(new Unmatched(i, "no guest with this id"))));
        if (!ids.isEmpty()) {
            try (PreparedStatement update = connection.prepareStatement("""
                    update guest g set last_sign_in_at = v.at::timestamptz, state = v.state,
                    sign_in_activation_pending = g.sign_in_activation_pending or (g.state = 'INVITED' and v.state = 'ACTIVE')
                    from unnest(?::uuid[], ?::text[], ?::text[]) as v(id, at, state) where g.id = v.id""")) {
                update.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
                update.setArray(2, connection.createArrayOf("text", times.toArray()));
                update.setArray(3, connection.createArrayOf("text", states.toArray()));
                update.executeUpdate();
            }
        }
        unmatched.sort((a, b) -> Integer.compare(a.index(), b.index()));
        if (!ids.isEmpty()) {
            afterCommit.runOnce(SignInActivity.class, publisher::wake);
        }
        LOG.debugf("sign-ins records=%d guestsUpdated=%d activated=%d unmatched=%d", records.size(), ids.size(), activated, unmatched.size());
        return new Result(records.size(), ids.size(), activated, unmatched);
    }

    /** The guests the records name by home tenant and subject, in one query. */
    private static Map<String, UUID> resolveHomeIdentities(Connection connection, List<SignIn> records) throws SQLException {
        List<String> tenants = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        for (SignIn record : records) {
            if (record.guestId() == null) {
                tenants.add(record.homeTenantId());
                subjects.add(record.homeSubject());
            }
        }
        Map<String, UUID> found = new HashMap<>();
        if (tenants.isEmpty()) {
            return found;
        }
        try (PreparedStatement select = connection.prepareStatement("""
                select g.id, g.home_tenant_id, g.home_subject from guest g
                join (select distinct t, s from unnest(?::text[], ?::text[]) as v(t, s)) v on g.home_tenant_id = v.t and g.home_subject = v.s""")) {
            select.setArray(1, connection.createArrayOf("text", tenants.toArray()));
            select.setArray(2, connection.createArrayOf("text", subjects.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    // two guests with one home identity cannot both be meant: neither is picked
                    found.merge(homeIdentity(rows.getString(2), rows.getString(3)), rows.getObject(1, UUID.class), (a, b) -> null);
                }
            }
        }
        return found;
    }

    private static String homeIdentity(String tenant, String subject) {
        return tenant + '\u0000' + subject;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
