package dev.portcullis.notification.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import dev.portcullis.backbone.work.AfterCommit;
import dev.portcullis.notification.config.NotificationSettings;
import dev.portcullis.notification.domain.Notification;
import dev.portcullis.notification.domain.RecipientPreference;
import dev.portcullis.notification.domain.Webhook;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import jakarta.persistence.FlushModeType;
import dev.portcullis.backbone.Entities;
import dev.portcullis.backbone.work.PerTransaction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.stream.Collectors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Every message's words, and the one way a message is planned. Each type has two Qute templates,
 * {@code templates/messages/<TYPE>.txt} (the plain-text part) and {@code <TYPE>.html} (the HTML part,
 * where Qute escapes every value: a guest named {@code <img src=x onerror=alert(1)>} is shown, never
 * run); both get the type's data and the configured brand. A message is planned once per recipient,
 * cause and guest (the table's unique index says the same), in the consumer's transaction, and the
 * sender is woken after the commit; a type its recipient opted out of (never a mandatory one) is logged
 * SUPPRESSED and not sent, and one that is not mandatory, for someone who chose a daily digest, is HELD for it. Each webhook endpoint that takes the type gets a copy, posted by the same sender.
 */
@ApplicationScoped
public class Messages {

    private static final Logger LOG = Logger.getLogger(Messages.class);
    private static final DateTimeFormatter DAY_AND_TIME = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /** A message ready to store: its subject, its plain text and its HTML. */
    public record Rendered(String subject, String text, String html) {
    }

    /** Who a message is about, when it is about a guest: what a removal erases from it. */
    public record About(UUID guestId, String guestEmail, String guestName) {

        public static final About NOBODY = new About(null, null, null);
    }

    @Inject
    Engine qute;

    @Inject
    NotificationSettings settings;

    @Inject
    Clock clock;

    @Inject
    AfterCommit afterCommit;

    @Inject
    MailSender sender;

    @Inject
    ErasedAddresses erasedAddresses;

    @Inject
    jakarta.persistence.EntityManager em;

    @Inject
    jakarta.transaction.TransactionSynchronizationRegistry transactions;

    /** A deadline as messages write it: Monday 7 December 2026, 17:00 UTC. */
    public static String dayAndTime(Instant instant) {
        return DAY_AND_TIME.format(instant);
    }

    /** A day as messages write it: 30 December 2026. */
    public static String date(Instant instant) {
        return DATE.format(instant);
    }

    /** {@code type}'s templates (subject, plain text, HTML) rendered with {@code data} and the brand. */
    public Rendered render(Notification.Type type, Map<String, Object> data) {
        Map<String, Object> values = new LinkedHashMap<>(data);
        values.put("brandName", settings.brand().name());
        values.put("brandColor", settings.brand().color());
        values.put("brandContact", settings.brand().contact().orElse(null));
        String subject = template(type, "subject.txt").render(values).strip();
        values.put("subject", subject);
        return new Rendered(subject, template(type, "txt").render(values).strip() + "\n", template(type, "html").render(values));
    }

    /**
     * Plans {@code type} to {@code to} about {@code cause} unless it is planned already; returns whether it was. In the
     * consumer's transaction: the message and the consumed event commit together.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean plan(String to, Notification.Type type, String cause, Map<String, Object> data, String eventId, About about) {
        return planAt(to, type, cause, data, eventId, about, null) != null;
    }

    /** {@link #plan}, for a message not to be sent before {@code notBefore} (a reminder, a gathering); null: at once. Returns the message, or null if planned already. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Notification planAt(String to, Notification.Type type, String cause, Map<String, Object> data, String eventId,
            About about, Instant notBefore) {
        Batch batch = batch();
        // an event about a guest removed meanwhile (published before the removal, on another topic) names them no more
        Optional<ErasedAddresses.Erasure> erasedRecipient = batch.erasure(to);
        Optional<ErasedAddresses.Erasure> erasedGuest = about.guestEmail() == null ? Optional.empty() : batch.erasure(about.guestEmail());
        String recipient = erasedRecipient.map(ErasedAddresses.Erasure::placeholder).orElse(to.toLowerCase(Locale.ROOT));
        if (!batch.planned.add(Batch.plannedKey(recipient, cause, about.guestId())) || batch.plannedBefore(recipient, cause, about.guestId())) {
            return null;
        }
        Rendered message = erased(render(type, data), about, erasedRecipient, erasedGuest);
        Notification n = Notification.pending(recipient, type, message.subject(), message.text(), cause, eventId, about.guestId(), clock.instant());
        n.html = message.html();
        if (notBefore != null) {
            n.nextAttemptAt = notBefore;
        }
        // the guest's address and name are personal data: a removed guest's messages are scrubbed of them (RevocationNotices.erase)
        n.guestEmail = erasedGuest.map(ErasedAddresses.Erasure::placeholder).orElse(about.guestEmail());
        n.guestName = erasedGuest.isPresent() ? null : about.guestName();
        if (erasedRecipient.isPresent()) {
            // logged, never sent: its recipient was removed, and their address erased
            n.status = Notification.Status.SUPPRESSED;
            n.lastError = "the recipient was removed: their address is erased";
            n.persist();
            LOG.infof("notification=%s %s (%s) suppressed: recipient removed", n.id, type, cause);
            return n;
        }
        RecipientPreference preference = batch.preference(recipient);
        if (preference != null && preference.optsOut(type)) {
            // logged, so the message log says what was not sent and why; never claimed by a sender
            n.status = Notification.Status.SUPPRESSED;
            n.lastError = "the recipient opted out of " + type;
            n.persist();
            LOG.infof("notification=%s %s (%s) suppressed: opted out", n.id, type, cause); // ids in the log, never addresses
            return n;
        }
        if (preference != null && preference.digests(type)) {
            // waits for the recipient's next digest (DailyDigests), never claimed by a sender itself
            n.status = Notification.Status.HELD;
            n.nextAttemptAt = DailyDigests.next(settings.digestTime(), n.createdAt);
        }
        n.persist();
        for (UUID endpoint : batch.webhooks(type)) {
            // the same message, posted to each endpoint that takes its type: a copy of its own, sent and retried like a mail
            Notification copy = Notification.pending(recipient, type, n.subject, n.body, cause, eventId, n.guestId, n.createdAt);
            copy.webhookId = endpoint;
            copy.nextAttemptAt = n.nextAttemptAt;
            copy.guestEmail = n.guestEmail;
            copy.guestName = n.guestName;
            copy.persist();
        }
        afterCommit.runOnce(MailSender.class, sender::wake);
        LOG.infof("notification=%s %s planned (%s)", n.id, type, cause);
        return n;
    }

    /**
     * Reads at once what planning a message about {@code cause} to each of {@code recipients} asks the database: whether a removal
     * erased their addresses or the guest's, their preferences, and whether an earlier transaction planned it. For a caller about to
     * plan several (a block's sponsor and owners): four statements in all, where {@link #planAt} alone makes four per message.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public void prepare(Collection<String> recipients, String cause, About about) {
        Batch batch = batch();
        List<String> addresses = recipients.stream().map(r -> r.toLowerCase(Locale.ROOT)).distinct().toList();
        List<String> toAsk = new ArrayList<>(addresses);
        if (about.guestEmail() != null) {
            toAsk.add(about.guestEmail());
        }
        batch.erasures.putAll(erasedAddresses.of(toAsk.stream().filter(a -> !batch.erasures.containsKey(a.toLowerCase(Locale.ROOT))).toList()));
        List<String> kept = addresses.stream().filter(a -> batch.erasure(a).isEmpty()).toList();
        Map<String, RecipientPreference> chosen = Entities.byIds(em, RecipientPreference.class, kept).stream()
                .collect(Collectors.toMap(p -> p.recipient, p -> p));
        kept.forEach(r -> batch.preferences.putIfAbsent(r, Optional.ofNullable(chosen.get(r))));
        // of those, the ones an earlier transaction planned already; the others are known not planned, without a query each
        if (kept.isEmpty()) {
            return;
        }
        jakarta.persistence.Query query = em.createNativeQuery("select recipient from notification where cause_id = ?1 and webhook_id is null"
                        + " and recipient = any(cast(?2 as text[])) and " + (about.guestId() == null ? "guest_id is null" : "guest_id = ?3"))
                .setFlushMode(FlushModeType.COMMIT).setParameter(1, cause).setParameter(2, kept.toArray(String[]::new));
        if (about.guestId() != null) {
            query.setParameter(3, about.guestId());
        }
        List<String> plannedBefore = query.getResultList();
        kept.forEach(r -> batch.plannedBefore.put(Batch.plannedKey(r, cause, about.guestId()), plannedBefore.contains(r)));
    }

    /**
     * A removal this transaction applied: what it erased holds for every message planned or gathered after it in the same
     * transaction. One poll brings inventory.access and inventory.guests together, so a grant's revocation can follow its guest's
     * removal in the same batch; the answer read earlier in the batch (not erased) must not name them again.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void erased(ErasedAddresses.Erasure erasure) {
        Batch batch = batch();
        batch.erasures.put(erasure.address(), Optional.of(erasure));
        // a gathering message's lines added in this transaction are not in its text yet (renderGathered): the removal leaves them too
        for (Gathering g : batch.gathering.values()) {
            String[] scrubbed = java.util.Arrays.stream(g.message.items).map(erasure::from).toArray(String[]::new);
            if (!java.util.Arrays.equals(scrubbed, g.message.items)) {
                g.message.items = scrubbed;
                g.changed = true;
            }
        }
    }

    /** {@code address} as a message planned now may show it: the placeholder if a removal erased it (this transaction's too). */
    @Transactional(Transactional.TxType.MANDATORY)
    public String shown(String address) {
        return batch().erasure(address).map(ErasedAddresses.Erasure::placeholder).orElse(address);
    }

    /** The most lines a gathering message lists: past it, the next line starts another message (a partner's thousands of guests). */
    static final int MOST_LINES = 500;

    /**
     * A message that lists what arrives as separate events (a grant a line, a guest a line): adds {@code line} to the recipient's
     * message of {@code group} that is still gathering, or plans one (cause {@code cause}) due after {@code window}. Returns whether
     * a message was planned. A message of this transaction is found in memory, one of an earlier transaction in the table (not due,
     * not claimed), locked, so the sender's {@code SKIP LOCKED} claim waits for the new line; no flush either way. Its text is
     * rendered again once, by {@link #renderGathered} before the transaction commits, however many lines it took.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean gather(String to, Notification.Type type, String group, String cause, String line,
            Function<List<String>, Map<String, Object>> data, String eventId, About about, Duration window) {
        String recipient = to.toLowerCase(Locale.ROOT);
        Batch batch = batch();
        String key = recipient + "\n" + type + "\n" + group;
        Gathering open = batch.gathering.get(key);
        if (open == null) {
            Notification found = batch.openIn(type, group).get(recipient);
            open = found == null ? null : new Gathering(found, type, data, about);
        }
        if (open == null || (open.message.items.length >= MOST_LINES && !List.of(open.message.items).contains(line))) {
            if (open != null) {
                render(batch, open); // full: its last lines are rendered now, as the next message takes its place
            }
            Notification planned = planAt(to, type, cause, data.apply(List.of(line)), eventId, about, clock.instant().plus(window));
            if (planned != null) {
                planned.items = new String[] {line};
                batch.gathering.put(key, new Gathering(planned, type, data, about));
            }
            return planned != null;
        }
        batch.gathering.put(key, open);
        if (!List.of(open.message.items).contains(line)) {
            String[] lines = java.util.Arrays.copyOf(open.message.items, open.message.items.length + 1);
            lines[lines.length - 1] = line;
            open.message.items = lines;
            open.changed = true;
        }
        return false;
    }

    /**
     * Renders once each message that {@link #gather} added lines to in this transaction (and its webhook copies, not posted yet):
     * before the transaction commits, from the consumer that gathers. A poll of a partner's block adds hundreds of lines to one
     * owner's message; rendering it again at each line would grow with the square of them.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void renderGathered() {
        Batch batch = batch();
        batch.gathering.values().forEach(g -> render(batch, g));
    }

    private void render(Batch batch, Gathering g) {
        if (!g.changed) {
            return;
        }
        g.changed = false;
        Notification open = g.message;
        Rendered r = erased(render(g.type, g.data.apply(List.of(open.items))), g.about, Optional.empty(),
                g.about.guestEmail() == null ? Optional.empty() : batch.erasure(g.about.guestEmail()));
        open.subject = r.subject();
        open.body = r.text();
        open.html = r.html();
        if (!batch.webhooks(g.type).isEmpty()) {
            // its webhook copies, not posted yet, say the same
            for (Notification copy : em.createQuery("from Notification n where n.recipient = :r and n.causeId = :c and n.webhookId is not null"
                    + " and n.status = :s", Notification.class).setParameter("r", open.recipient).setParameter("c", open.causeId)
                    .setParameter("s", Notification.Status.PENDING).getResultList()) {
                copy.subject = r.subject();
                copy.body = r.text();
            }
        }
    }

    /** A gathering message this transaction planned or added to, with how to render it; changed: lines added, not rendered yet. */
    private static final class Gathering {
        final Notification message;
        final Notification.Type type;
        final Function<List<String>, Map<String, Object>> data;
        final About about;
        boolean changed;

        Gathering(Notification message, Notification.Type type, Function<List<String>, Map<String, Object>> data, About about) {
            this.message = message;
            this.type = type;
            this.data = data;
            this.about = about;
        }
    }

    /**
     * What one consumer transaction reads once for all the messages it plans: the webhook endpoints, and the messages it planned
     * itself (a second event about the same cause in the same batch plans nothing, found without flushing the session to ask the
     * database). A poll of hundreds of events otherwise flushed every planned message before each of their queries.
     */
    private final class Batch {
        final java.util.Set<String> planned = new java.util.HashSet<>();
        /** The gathering messages this transaction planned or added to, by recipient, type and group. */
        final Map<String, Gathering> gathering = new java.util.HashMap<>();
        private Map<String, List<UUID>> webhooksByType;
        private final Map<String, java.util.Optional<RecipientPreference>> preferences = new java.util.HashMap<>();
        private final Map<String, Optional<ErasedAddresses.Erasure>> erasures = new java.util.HashMap<>();
        /** Whether an earlier transaction planned a message, as {@link #prepare} read it for several at once. */
        private final Map<String, Boolean> plannedBefore = new java.util.HashMap<>();

        static String plannedKey(String recipient, String cause, UUID guestId) {
            return recipient + "\n" + cause + "\n" + guestId;
        }

        /** The messages of each group still gathering that earlier transactions planned, by recipient: the newest of each. */
        private final Map<String, Map<String, Notification>> openByGroup = new java.util.HashMap<>();

        /**
         * The messages of {@code group} still gathering (not due, never tried, not claimed), every recipient's at once and locked
         * in id order: one statement for a poll's hundreds of recipients, and two consumers' transactions lock them in the same order
         * (locked one by one, in the order their events came, two polls of a partner's block would deadlock on its owners').
         */
        Map<String, Notification> openIn(Notification.Type type, String group) {
            return openByGroup.computeIfAbsent(type + "\n" + group, k -> {
                Map<String, Notification> newest = new java.util.HashMap<>();
                em.createQuery("from Notification n where n.type = :t and n.webhookId is null and n.causeId like :g and n.status = :s"
                                + " and n.attempts = 0 and n.claimedUntil is null and n.nextAttemptAt > :now and n.items is not null order by n.id",
                                Notification.class).setParameter("t", type).setParameter("g", group + "%").setParameter("s", Notification.Status.PENDING)
                        .setParameter("now", clock.instant()).setFlushMode(FlushModeType.COMMIT)
                        .setLockMode(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).getResultStream()
                        // the newest: an older one still gathering is full
                        .forEach(n -> newest.merge(n.recipient, n, (a, b) -> a.createdAt.isAfter(b.createdAt) ? a : b));
                return newest;
            });
        }

        /** Whether an earlier transaction planned it (this one's own are in {@link #planned}: no flush needed to ask). */
        boolean plannedBefore(String recipient, String cause, UUID guestId) {
            Boolean known = plannedBefore.get(plannedKey(recipient, cause, guestId));
            return known != null ? known : planned(recipient, cause, guestId);
        }

        /** Whether a removal erased {@code address}: asked once per transaction, whose shared lock holds the answer until it ends. */
        Optional<ErasedAddresses.Erasure> erasure(String address) {
            return erasures.computeIfAbsent(address.toLowerCase(Locale.ROOT), erasedAddresses::of);
        }

        /** A recipient's preferences, read once per transaction; null if they never chose. */
        RecipientPreference preference(String recipient) {
            return preferences.computeIfAbsent(recipient, r -> java.util.Optional.ofNullable(em.find(RecipientPreference.class, r))).orElse(null);
        }

        List<UUID> webhooks(Notification.Type type) {
            if (webhooksByType == null) {
                webhooksByType = new java.util.HashMap<>();
                for (Webhook w : em.createQuery("from Webhook w where w.deletedAt is null", Webhook.class).setFlushMode(FlushModeType.COMMIT)
                        .getResultList()) {
                    for (String t : w.types) {
                        webhooksByType.computeIfAbsent(t, k -> new ArrayList<>()).add(w.id);
                    }
                }
            }
            return webhooksByType.getOrDefault(type.name(), List.of());
        }
    }

    /** {@code message} as the removals it comes after leave it: the erased addresses replaced, and the removed guest's name. */
    private static Rendered erased(Rendered message, About about, Optional<ErasedAddresses.Erasure> recipient,
            Optional<ErasedAddresses.Erasure> guest) {
        Rendered out = message;
        for (ErasedAddresses.Erasure erasure : java.util.stream.Stream.of(recipient, guest.map(g -> g.withName(about.guestName())))
                .flatMap(Optional::stream).toList()) {
            out = new Rendered(erasure.from(out.subject()), erasure.from(out.text()), erasure.fromHtml(out.html()));
        }
        return out;
    }

    private Batch batch() {
        return PerTransaction.value(transactions, Batch.class, Batch::new);
    }

    private boolean planned(String recipient, String cause, UUID guestId) {
        jakarta.persistence.TypedQuery<Long> query = em.createQuery("select count(n) from Notification n where n.recipient = :r and n.causeId = :c"
                + " and n.webhookId is null and " + (guestId == null ? "n.guestId is null" : "n.guestId = :g"), Long.class)
                .setFlushMode(FlushModeType.COMMIT).setParameter("r", recipient).setParameter("c", cause);
        if (guestId != null) {
            query.setParameter("g", guestId);
        }
        return query.getSingleResult() > 0;
    }

    private Template template(Notification.Type type, String variant) {
        Template template = qute.getTemplate("messages/" + type.name() + "." + variant);
        if (template == null) {
            throw new IllegalStateException("no template messages/" + type.name() + "." + variant);
        }
        return template;
    }

    /** What each type looks like, with the made-up data of {@code previews/<type>.json}: the preview. */
    public Rendered sample(Notification.Type type) {
        String name = "previews/" + type.name() + ".json";
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no " + name);
            }
            return render(type, SAMPLES.readValue(in, new TypeReference<Map<String, Object>>() { }));
        } catch (IOException e) {
            throw new UncheckedIOException(name + " cannot be read", e);
        }
    }

    private static final ObjectMapper SAMPLES = new ObjectMapper();
}
