package dev.portcullis.policy.posture;

import dev.portcullis.backbone.work.Retention;
import dev.portcullis.readmodel.GrantRevoked;
import dev.portcullis.readmodel.GrantsRevoked;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Time to revoke, as the platform delivers it: for each partner signal that ended access here, from the moment inventory acted on
 * it (its revocations' time, in the signal's own transaction) until this service read the last of its {@code access-revoked}
 * events ({@code read_committed}), so what the SOC and every consumer wait for. Recorded in the read model's transaction, one row
 * per signal and guest; the posture gives p50 and p99 over the last 7 days.
 */
@ApplicationScoped
public class TimeToRevoke {

    /** The reasons a partner's own signal gives a revocation (a partner blocked by an admin is not a signal of theirs). */
    static final Set<String> SIGNALLED = Set.of("PARTNER_ACCOUNT_DISABLED", "PARTNER_CREDENTIAL_COMPROMISED");
    static final Duration WINDOW = Duration.ofDays(7);

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    /** Over the window: how many signals ended access, and the p50 and p99 of their time to revoke, in milliseconds (null without one). */
    public record Figures(long signals, Long p50Millis, Long p99Millis, String window) {
    }

    private record SignalOfGuest(String causeId, UUID guestId) {
    }

    /** One row per signal and guest: a blocked guest's twenty revocations are one upsert, of their earliest and the time seen. */
    void onRevoked(@Observes GrantsRevoked revoked) {
        // in key order, as every writer of several rows locks them
        Map<SignalOfGuest, Instant> actedAt = new TreeMap<>(Comparator.comparing(SignalOfGuest::causeId).thenComparing(SignalOfGuest::guestId));
        for (GrantRevoked grant : revoked.grants()) {
            if (grant.causeId() != null && grant.revokedAt() != null && SIGNALLED.contains(grant.reason())) {
                actedAt.merge(new SignalOfGuest(grant.causeId(), grant.guestId()), grant.revokedAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        actedAt.forEach((key, at) -> em.createNativeQuery("insert into signal_revocation (cause_id, guest_id, acted_at, last_seen_at) values (?1, ?2, ?3, ?4)"
                + " on conflict (cause_id, guest_id) do update set acted_at = least(signal_revocation.acted_at, excluded.acted_at),"
                + " last_seen_at = greatest(signal_revocation.last_seen_at, excluded.last_seen_at)")
                .setParameter(1, key.causeId()).setParameter(2, key.guestId()).setParameter(3, at)
                .setParameter(4, clock.instant()).executeUpdate());
    }

    public Figures lastWeek(Instant now) {
        Object[] row = (Object[]) em.createNativeQuery("""
                select count(*),
                  percentile_cont(0.5) within group (order by millis), percentile_cont(0.99) within group (order by millis)
                from (select extract(epoch from max(last_seen_at) - min(acted_at)) * 1000 as millis from signal_revocation
                      where acted_at >= ?1 group by cause_id) per_signal""").setParameter(1, now.minus(WINDOW)).getSingleResult();
        long signals = ((Number) row[0]).longValue();
        return new Figures(signals, millis(row[1]), millis(row[2]), WINDOW.toDays() + "d");
    }

    private static Long millis(Object value) {
        return value == null ? null : Math.round(((Number) value).doubleValue());
    }

    @Produces
    @Singleton
    Retention.Kept signalRevocations() {
        return new Retention.Kept("signal_revocation", "acted_at", Duration.ofDays(30));
    }
}
