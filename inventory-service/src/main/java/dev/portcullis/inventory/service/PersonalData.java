package dev.portcullis.inventory.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.rest.IdempotencyKeys;
import dev.portcullis.backbone.work.PerTransaction;
import dev.portcullis.events.GuestRemoved;
import dev.portcullis.inventory.domain.Guest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.Optional;
import java.util.UUID;
import jakarta.persistence.FlushModeType;
import org.hibernate.query.NativeQuery;
import org.hibernate.type.StandardBasicTypes;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A guest's personal data (email, display name, home subject) where it must outlive the guest row's
 * own: in the audit trail, encrypted (AES-256-GCM) with a key of the guest's own. Removing the guest
 * erases it everywhere at once: the key is destroyed, the guest row and the partner signals that
 * named the guest are blanked. The ciphertexts stay, so the audit chain's hashes still hold.
 */
@ApplicationScoped
public class PersonalData {

    /** What the audit trail keeps of a guest; null fields were not known. */
    public record Identity(String email, String displayName, String homeSubject) {
        public static Identity of(Guest guest) {
            return new Identity(guest.email, guest.displayName, guest.homeSubject);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EntityManager em;

    @Inject
    Outbox outbox;

    @Inject
    IdempotencyKeys idempotencyKeys;

    @Inject
    TransactionSynchronizationRegistry registry;

    /** {@code identity} encrypted with the guest's key (made on first use). */
    @Transactional(Transactional.TxType.MANDATORY)
    public byte[] seal(UUID guestId, Identity identity) {
        // a guest's block writes an audit record per grant, each with the same identity: sealed once per transaction. The same
        // ciphertext says no more than the records' guest id already does.
        return PerTransaction.value(registry, Sealed.class, Sealed::new).computeIfAbsent(new Sealed.Key(guestId, identity),
                k -> sealNow(guestId, identity));
    }

    /** The identities this transaction sealed, by guest. */
    private static final class Sealed extends HashMap<Sealed.Key, byte[]> {
        record Key(UUID guestId, Identity identity) {
        }
    }

    private byte[] sealNow(UUID guestId, Identity identity) {
        byte[] key = key(guestId).orElseGet(() -> newKey(guestId));
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            cipher.updateAAD(guestId.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(JSON.writeValueAsBytes(identity));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return out;
        } catch (GeneralSecurityException | JsonProcessingException e) {
            throw new IllegalStateException("cannot seal personal data of guest " + guestId, e);
        }
    }

    /** What {@link #seal} sealed; empty once the guest's key is destroyed. */
    public Optional<Identity> open(UUID guestId, byte[] sealed) {
        if (sealed == null || guestId == null) {
            return Optional.empty();
        }
        return key(guestId).map(key -> {
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, sealed, 0, 12));
                cipher.updateAAD(guestId.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return JSON.readValue(cipher.doFinal(sealed, 12, sealed.length - 12), Identity.class);
            } catch (GeneralSecurityException | java.io.IOException e) {
                throw new IllegalStateException("cannot open personal data of guest " + guestId, e);
            }
        });
    }

    /** Erases the guest's personal data everywhere inventory keeps it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void erase(Guest guest) {
        transactionKeys().remove(guest.id);
        em.createNativeQuery("delete from guest_key where guest_id = ?1").setParameter(1, guest.id).executeUpdate();
        em.createNativeQuery("""
                update partner_signal set home_subject = null, email = null, dedupe_key = 'erased:' || id
                where id in (select signal_id from partner_signal_guest where guest_id = ?1)""").setParameter(1, guest.id).executeUpdate();
        outbox.forgetPublished(guest.email); // those not published yet go as they are: guest-removed names the address for the others
        String erased = GuestRemoved.erasedEmail(guest.id.toString());
        idempotencyKeys.erase(guest.email, erased);
        // an import's rejected line may quote the address ("a guest with email … exists")
        em.createNativeQuery("update guest_import_line set errors = regexp_replace(errors, ?2, ?3, 'gi') where strpos(lower(errors), ?1) > 0")
                .setParameter(1, guest.email.toLowerCase(java.util.Locale.ROOT)).setParameter(2, Outbox.pattern(guest.email)).setParameter(3, erased)
                .executeUpdate();
        guest.email = erased;
        guest.displayName = null;
        guest.homeSubject = null;
    }

    /** A new guest's key, made now: its first seal then need not look for one (an import makes 100,000). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void prepareKey(UUID guestId) {
        newKey(guestId);
    }

    /**
     * Reads the keys of {@code guestIds} at once, for a batch about to seal an identity of each (a partner's block): one statement
     * instead of one per guest. A guest with none yet gets one when first sealed.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public void readKeys(java.util.Collection<UUID> guestIds) {
        Map<UUID, byte[]> known = transactionKeys();
        List<Object[]> rows = em.createNativeQuery("select guest_id, key from guest_key where guest_id = any(cast(?1 as uuid[]))")
                .setParameter(1, guestIds.stream().map(UUID::toString).toArray(String[]::new)).setFlushMode(FlushModeType.COMMIT)
                .unwrap(NativeQuery.class).addScalar("guest_id", StandardBasicTypes.UUID).addScalar("key", StandardBasicTypes.BINARY).getResultList();
        rows.forEach(row -> known.put((UUID) row[0], (byte[]) row[1]));
    }

    /** The keys this transaction made or read, so that each is read from the database once at most. */
    private Map<UUID, byte[]> transactionKeys() {
        return PerTransaction.value(registry, PersonalData.class, HashMap<UUID, byte[]>::new);
    }

    @SuppressWarnings("unchecked")
    private Optional<byte[]> key(UUID guestId) {
        byte[] known = registry.getTransactionKey() == null ? null : transactionKeys().get(guestId);
        if (known != null) {
            return Optional.of(known);
        }
        // touches guest_key only: no flush first, nor the check for one (a walk over every entity of the session)
        // bytea typed here: left to Hibernate, it registers a type for it at each statement, and that throws (and catches) after boot
        List<byte[]> keys = em.createNativeQuery("select key from guest_key where guest_id = ?1").setParameter(1, guestId)
                .setFlushMode(FlushModeType.COMMIT).unwrap(NativeQuery.class).addScalar("key", StandardBasicTypes.BINARY).getResultList();
        if (!keys.isEmpty() && registry.getTransactionKey() != null) {
            transactionKeys().put(guestId, keys.get(0));
        }
        return keys.stream().findFirst();
    }

    private byte[] newKey(UUID guestId) {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        em.createNativeQuery("insert into guest_key (guest_id, key) values (?1, ?2)").setParameter(1, guestId).setParameter(2, key)
                .setFlushMode(FlushModeType.COMMIT).executeUpdate();
        transactionKeys().put(guestId, key);
        return key;
    }
}
