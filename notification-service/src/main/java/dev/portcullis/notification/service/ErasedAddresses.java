package dev.portcullis.notification.service;

import dev.portcullis.backbone.work.Retention;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The addresses a guest's removal erased, kept as SHA-256 for {@link #KEPT}: events about the guest published before the removal
 * can arrive after it on other topics (a review closed by the revocation, a request decided), and the messages they plan must not
 * name the address again. A removal takes an exclusive advisory lock on the address and a planner a shared one, both until their
 * transaction ends; so a message planned while the removal runs either commits first (and the removal scrubs it) or waits and sees
 * the address erased.
 */
@ApplicationScoped
public class ErasedAddresses {

    /** Longer than any event about a guest stays unconsumed (topics keep 7 days), and short enough to be a suppression list only. */
    static final Duration KEPT = Duration.ofDays(30);
    /** The advisory locks' first key: this table's, apart from every other advisory lock (SinglePass takes the one-key form). */
    private static final int LOCKS = 0x45524153;

    /** What a removal erased: an address, what stands in its place, and the guest's name where a message shows it (or null). */
    public record Erasure(String address, String placeholder, String name) {

        public Erasure(String address, String placeholder) {
            this(address, placeholder, null);
        }

        /** The same erasure, of a message that also shows the guest's {@code name}. */
        public Erasure withName(String guestName) {
            return new Erasure(address, placeholder, guestName);
        }

        /** {@code text} with the address, in any case, replaced by the placeholder, and the name by {@code [erased]}. */
        public String from(String text) {
            if (text == null) {
                return null;
            }
            String out = Pattern.compile(Pattern.quote(address), Pattern.CASE_INSENSITIVE).matcher(text).replaceAll(Matcher.quoteReplacement(placeholder));
            return name == null || name.isBlank() ? out : out.replace(name, "[erased]");
        }

        /** An HTML part: the address and the name as Qute escaped them, and as written. */
        public String fromHtml(String html) {
            if (html == null) {
                return null;
            }
            String out = html.replace(escaped(address), escaped(placeholder));
            return from(name == null || name.isBlank() ? out : out.replace(escaped(name), "[erased]"));
        }
    }

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    /** In the removal's transaction: from here on (for {@link #KEPT}) {@code address} is erased, and {@link #of} waits for this commit. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Erasure fence(String address, String placeholder) {
        String normal = address.toLowerCase(Locale.ROOT);
        lock("pg_advisory_xact_lock", normal);
        em.createNativeQuery("insert into erased_address (address_sha256, placeholder, erased_at) values (?1, ?2, ?3)"
                + " on conflict (address_sha256) do update set erased_at = excluded.erased_at").setFlushMode(FlushModeType.COMMIT)
                .setParameter(1, sha256(normal)).setParameter(2, placeholder).setParameter(3, clock.instant()).executeUpdate();
        return new Erasure(normal, placeholder);
    }

    /** What erased {@code address}, if a removal did; a removal of it under way is waited for. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Erasure> of(String address) {
        return of(List.of(address)).get(address.toLowerCase(Locale.ROOT));
    }

    /**
     * {@link #of(String)} for several addresses at once, in two statements: every shared lock in one (in the locks' order), then one
     * read. For a planner about to plan messages to several people (a block's sponsor and owners), instead of two round trips each.
     * Returns an entry for each address, in lower case.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public Map<String, Optional<Erasure>> of(Collection<String> addresses) {
        Map<String, String> byHash = new HashMap<>();
        for (String address : addresses) {
            String normal = address.toLowerCase(Locale.ROOT);
            byHash.put(HexFormat.of().formatHex(sha256(normal)), normal);
        }
        Map<String, Optional<Erasure>> erasures = new HashMap<>();
        if (byHash.isEmpty()) {
            return erasures;
        }
        Integer[] keys = byHash.keySet().stream().map(h -> ByteBuffer.wrap(HexFormat.of().parseHex(h)).getInt()).distinct().sorted()
                .toArray(Integer[]::new);
        em.createNativeQuery("select count(*) from (select pg_advisory_xact_lock_shared(?1, k) from unnest(cast(?2 as int[])) k order by k) locked")
                .setFlushMode(FlushModeType.COMMIT).setParameter(1, LOCKS).setParameter(2, keys).getSingleResult();
        byHash.values().forEach(address -> erasures.put(address, Optional.empty()));
        // a statement of its own, after the locks: in READ COMMITTED it sees a removal that committed while they were waited for.
        // No result class: with one, a profile found Hibernate's plan cache lookup of such a query costly (review's Campaigns)
        for (Object[] row : (List<Object[]>) em.createNativeQuery("select encode(address_sha256, 'hex'), placeholder from erased_address"
                + " where address_sha256 in (select decode(h, 'hex') from unnest(cast(?1 as text[])) h)").setFlushMode(FlushModeType.COMMIT)
                .setParameter(1, byHash.keySet().toArray(String[]::new)).getResultList()) {
            String address = byHash.get((String) row[0]);
            erasures.put(address, Optional.of(new Erasure(address, (String) row[1])));
        }
        return erasures;
    }

    private void lock(String function, String address) {
        em.createNativeQuery("select 1 from (select " + function + "(?1, ?2)) locked").setFlushMode(FlushModeType.COMMIT).setParameter(1, LOCKS)
                .setParameter(2, ByteBuffer.wrap(sha256(address)).getInt()).getSingleResult();
    }

    private static byte[] sha256(String address) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(address.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String escaped(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    /** The fence ages out (Retention). */
    @Produces
    @Singleton
    static Retention.Kept erasedAddresses() {
        return new Retention.Kept("erased_address", "erased_at", KEPT);
    }
}
