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
     * Publishes guest-signed-in for the guests of the first PUBLISH_BATCH sign-ins due ({@code sign_in_pending}): each guest's
     * latest, whether it activated them, and their state. What it reads it deletes, by id, so that a sign-in an ingest appends
     * meanwhile is told later, never lost; what it told it keeps in {@code sign_in_published}, from which the ingest reckons when
     * the guest's next one is due. It locks no guest and writes no row the ingest writes. True when more may be due.
     */
    @SuppressWarnings("unchecked")
    boolean publishPass() {
        return QuarkusTransaction.requiringNew().call(() -> {
            if (!singlePass.tryTake(PASS)) {
                return false;
            }
            Instant now = clock.instant();
            List<UUID> first = em.createNativeQuery("select guest_id from sign_in_pending where due_at <= ?1 order by due_at limit ?2", UUID.class)
                    .setParameter(1, now).setParameter(2, PUBLISH_BATCH).getResultList();
            if (first.isEmpty()) {
                return false;
            }
            // every sign-in still to tell of those guests, the later ones not due yet too: the event carries the latest
            List<Object[]> guests = em.createNativeQuery("""
                    select p.guest_id, max(p.signed_in_at), bool_or(p.activation), g.state, array_agg(p.id)
                    from sign_in_pending p join guest g on g.id = p.guest_id
                    where p.guest_id = any(cast(?1 as uuid[])) group by p.guest_id, g.state order by p.guest_id""")
                    .setParameter(1, first.stream().distinct().map(UUID::toString).toArray(String[]::new)).getResultList();
            List<GuestSignedIn> events = new ArrayList<>(guests.size());
            List<UUID> told = new ArrayList<>();
            for (Object[] guest : guests) {
                for (Object id : (Object[]) guest[4]) {
                    told.add((UUID) id);
                }
                if (!"REMOVED".equals(guest[3])) {
                    Instant lastSignInAt = guest[1] instanceof Instant i ? i : ((Timestamp) guest[1]).toInstant();
                    events.add(new GuestSignedIn(guest[0].toString(), lastSignInAt, (String) guest[3], (Boolean) guest[2], now));
                }
            }
            // a thousand guests' keys in one round trip, not one each
            outbox.reserveKeys(events.stream().map(GuestSignedIn::key).toList());
            events.forEach(outbox::publish);
            em.createNativeQuery("delete from sign_in_pending where id = any(cast(?1 as uuid[]))")
                    .setParameter(1, told.stream().map(UUID::toString).toArray(String[]::new)).executeUpdate();
            if (!events.isEmpty()) {
                em.createNativeQuery("""
                        insert into sign_in_published (guest_id, signed_in_at, published_at)
                        select id, at, ?3 from unnest(cast(?1 as uuid[]), cast(?2 as timestamptz[])) as v(id, at)
                        on conflict (guest_id) do update set signed_in_at = excluded.signed_in_at, published_at = excluded.published_at""")
                        .setParameter(1, events.stream().map(GuestSignedIn::guestId).toArray(String[]::new))
                        .setParameter(2, events.stream().map(e -> e.lastSignInAt().toString()).toArray(String[]::new))
                        .setParameter(3, now).executeUpdate();
            }
            return first.size() == PUBLISH_BATCH;
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
        List<Boolean> activations = new ArrayList<>();
        int activated = 0;
        // locked in id order, as every other writer of several guests locks them: two batches never deadlock; for no key update, which
        // the publisher's and this batch's foreign key checks (a key share of the guest) pass through
        try (PreparedStatement select = connection.prepareStatement(
                "select id, state, last_sign_in_at from guest where id = any(?) order by id for no key update")) {
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
                    activations.add(activates);
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
                    update guest g set last_sign_in_at = v.at::timestamptz, state = v.state
                    from unnest(?::uuid[], ?::text[], ?::text[]) as v(id, at, state) where g.id = v.id""")) {
                update.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
                update.setArray(2, connection.createArrayOf("text", times.toArray()));
                update.setArray(3, connection.createArrayOf("text", states.toArray()));
                update.executeUpdate();
            }
            // for the publisher: due at once for an activation, else an interval after the guest's last guest-signed-in
            try (PreparedStatement pending = connection.prepareStatement("""
                    insert into sign_in_pending (guest_id, signed_in_at, activation, due_at)
                    select v.id, v.at::timestamptz, v.activation, case when v.activation then now()
                        else greatest(now(), p.published_at + make_interval(secs => ?)) end
                    from unnest(?::uuid[], ?::text[], ?::boolean[]) as v(id, at, activation) left join sign_in_published p on p.guest_id = v.id""")) {
                pending.setDouble(1, settings.signIns().publishInterval().toMillis() / 1000.0);
                pending.setArray(2, connection.createArrayOf("uuid", ids.toArray()));
                pending.setArray(3, connection.createArrayOf("text", times.toArray()));
                pending.setArray(4, connection.createArrayOf("boolean", activations.toArray()));
                pending.executeUpdate();
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
