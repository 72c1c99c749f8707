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
        return planAt(to, type, cause, data, eventId, about, notBefore, false);
    }

    /** {@link #planAt}; a message that gathers lines gets its webhook copies when it is rendered for good ({@link #finish}). */
    private Notification planAt(String to, Notification.Type type, String cause, Map<String, Object> data, String eventId,
            About about, Instant notBefore, boolean gathering) {
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
        if (!gathering || n.status != Notification.Status.PENDING) {
            copies(n, batch);
        }
        afterCommit.runOnce(MailSender.class, sender::wake);
        LOG.infof("notification=%s %s planned (%s)", n.id, type, cause);
        return n;
    }

    /** The same message, posted to each endpoint that takes its type: a copy of its own, sent and retried like a mail. */
    private void copies(Notification n, Batch batch) {
        for (UUID endpoint : batch.webhooks(n.type)) {
            Notification copy = Notification.pending(n.recipient, n.type, n.subject, n.body, n.causeId, n.causeEventId, n.guestId, n.createdAt);
            copy.webhookId = endpoint;
            copy.nextAttemptAt = n.nextAttemptAt;
            copy.guestEmail = n.guestEmail;
            copy.guestName = n.guestName;
            copy.persist();
        }
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
        // the lines gathered in this transaction are not written yet (writeGathered): the removal leaves them too
        for (Lines pending : batch.lines.values()) {
            java.util.LinkedHashSet<String> scrubbed = new java.util.LinkedHashSet<>();
            pending.lines.forEach(line -> scrubbed.add(erasure.from(line)));
            pending.lines = scrubbed;
            pending.words = pending.words.erased(erasure::from);
        }
    }

    /** {@code address} as a message planned now may show it: the placeholder if a removal erased it (this transaction's too). */
    @Transactional(Transactional.TxType.MANDATORY)
    public String shown(String address) {
        return batch().erasure(address).map(ErasedAddresses.Erasure::placeholder).orElse(address);
    }

    /** The most lines a gathering message lists: past it, the next line starts another message (a partner's thousands of guests). */
    static final int MOST_LINES = 500;

    /** How a gathering message is rendered: its words, and the template value its lines go under (and {@code count}, how many). */
    public record Gathered(Map<String, Object> data, String linesKey) {

        Map<String, Object> with(List<String> lines) {
            Map<String, Object> all = new LinkedHashMap<>(data);
            all.put(linesKey, lines);
            all.put("count", lines.size());
            return all;
        }

        /** The same words with what {@code erasure} erases taken out of each. */
        Gathered erased(Function<String, String> erasure) {
            Map<String, Object> out = new LinkedHashMap<>();
            data.forEach((k, v) -> out.put(k, v instanceof String text ? erasure.apply(text)
                    : v instanceof List<?> list ? list.stream().map(e -> e instanceof String t ? erasure.apply(t) : e).toList() : v));
            return new Gathered(out, linesKey);
        }

        String json() {
            try {
                return JSON.writeValueAsString(Map.of("lines", linesKey, "data", data));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Gathered of(String json) {
            try {
                Map<String, Object> read = JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
                @SuppressWarnings("unchecked")
                Map<String, Object> data = (Map<String, Object>) read.get("data");
                return new Gathered(data, (String) read.get("lines"));
            } catch (IOException e) {
                throw new UncheckedIOException("a gathering message's words cannot be read", e);
            }
        }
    }

    /**
     * A message that lists what arrives as separate events (a grant a line, a guest a line): adds {@code line} to the recipient's
     * message of {@code group} that is still gathering, or plans one, due after {@code window}. Kept in memory until
     * {@link #writeGathered}, before the consumer's transaction commits, writes the poll's lines of every message at once.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void gather(String to, Notification.Type type, String group, String line, Gathered words, String eventId, About about, Duration window) {
        batch().lines.computeIfAbsent(new GroupKey(type, group, to.toLowerCase(Locale.ROOT)), k -> new Lines(to, words, eventId, about, window))
                .lines.add(line);
    }

    /**
     * Writes the lines this transaction gathered: each a row of its own in {@code notification_line}, appended to the recipient's
     * message of the group still gathering (not due, never tried, not claimed). Several consumer instances append to the same
     * messages at once: each holds the message it appends to with a shared lock until it commits, which never makes another
     * consumer wait, and which a sender's {@code SKIP LOCKED} claim passes by, so no line comes after a message is rendered.
     * A message is planned when there is none still gathering or it is full: under a lock on its recipient and group (taken in
     * one order by every consumer, so that two never wait on each other), so that two instances plan one message, not one each.
     * Its text is rendered when a sender claims it ({@link #finish}), once, from all its lines.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void writeGathered() {
        Batch batch = batch();
        if (batch.lines.isEmpty()) {
            return;
        }
        Map<String, List<GroupKey>> byGroup = new java.util.TreeMap<>();
        batch.lines.keySet().stream().sorted().forEach(k -> byGroup.computeIfAbsent(k.type() + "\n" + k.group(), g -> new ArrayList<>()).add(k));
        List<String> recipients = new ArrayList<>();
        List<String> causes = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (List<GroupKey> keys : byGroup.values()) {
            GroupKey first = keys.get(0);
            Map<String, Part> parts = parts(first.type(), first.group(), keys.stream().map(GroupKey::recipient).toList());
            for (GroupKey key : keys) {
                Lines pending = batch.lines.get(key);
                List<String> todo = new ArrayList<>(pending.lines);
                Part part = parts.get(key.recipient());
                while (!todo.isEmpty()) {
                    if (part == null || !part.open || part.lines >= MOST_LINES) {
                        part = plan(key, pending, todo, part);
                    }
                    List<String> chunk = todo.subList(0, Math.min(MOST_LINES - part.lines, todo.size()));
                    for (String line : chunk) {
                        recipients.add(key.recipient());
                        causes.add(part.cause);
                        texts.add(line);
                    }
                    part.lines += chunk.size();
                    chunk.clear();
                }
            }
        }
        batch.lines.clear();
        if (texts.isEmpty()) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> written = em.createNativeQuery("insert into notification_line (recipient, cause_id, line_md5, line) select r, c, cast(md5(l) as uuid), l"
                + " from unnest(cast(?1 as text[]), cast(?2 as text[]), cast(?3 as text[])) with ordinality as v(r, c, l, o) order by o"
                + " on conflict do nothing returning recipient, cause_id").setParameter(1, recipients.toArray(String[]::new))
                .setParameter(2, causes.toArray(String[]::new)).setParameter(3, texts.toArray(String[]::new)).getResultList();
        // each message's count of lines, in one order for every consumer (two that add to the same messages wait, never deadlock)
        Map<List<String>, Integer> counts = new java.util.TreeMap<>(java.util.Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));
        written.forEach(row -> counts.merge(List.of((String) row[0], (String) row[1]), 1, Integer::sum));
        if (!counts.isEmpty()) {
            em.createNativeQuery("insert into notification_line_count (recipient, cause_id, lines) select r, c, n from unnest(cast(?1 as text[]),"
                    + " cast(?2 as text[]), cast(?3 as int[])) with ordinality as v(r, c, n, o) order by o"
                    + " on conflict (recipient, cause_id) do update set lines = notification_line_count.lines + excluded.lines")
                    .setParameter(1, counts.keySet().stream().map(k -> k.get(0)).toArray(String[]::new))
                    .setParameter(2, counts.keySet().stream().map(k -> k.get(1)).toArray(String[]::new))
                    .setParameter(3, counts.values().toArray(Integer[]::new)).executeUpdate();
        }
    }

    /** A recipient's newest message of a group: whether it still gathers (locked, shared, if so), how many lines it has, its number. */
    private static final class Part {
        final String cause;
        final int number;
        boolean open;
        int lines;

        Part(String cause, int number) {
            this.cause = cause;
            this.number = number;
        }
    }

    /** Each recipient's newest message of {@code group}: the open ones held with a shared lock until the transaction ends. */
    @SuppressWarnings("unchecked")
    private Map<String, Part> parts(Notification.Type type, String group, List<String> recipients) {
        Map<String, Part> newest = new java.util.HashMap<>();
        Map<String, UUID> ids = new java.util.HashMap<>();
        // the group's causes as a range in byte order (notification_by_group): those that start with the group, and no other
        String after = group.substring(0, group.length() - 1) + (char) (group.charAt(group.length() - 1) + 1);
        for (Object[] row : (List<Object[]>) em.createNativeQuery("select recipient, cause_id, id from notification where type = ?1"
                        + " and webhook_id is null and recipient = any(cast(?2 as text[])) and cause_id collate \"C\" >= ?3 and cause_id collate \"C\" < ?4")
                .setParameter(1, type.name()).setParameter(2, recipients.toArray(String[]::new)).setParameter(3, group).setParameter(4, after)
                .setFlushMode(FlushModeType.COMMIT).getResultList()) {
            Part part = new Part((String) row[1], partNumber(group, (String) row[1]));
            Part known = newest.get((String) row[0]);
            if (known == null || part.number > known.number) {
                newest.put((String) row[0], part);
                ids.put((String) row[0], (UUID) row[2]);
            }
        }
        if (newest.isEmpty()) {
            return newest;
        }
        // the newest ones still gathering, locked: a sender's claim of one waits for this transaction, and one claimed meanwhile is not open
        List<UUID> open = em.createNativeQuery("select id from notification where id = any(cast(?1 as uuid[])) and gathered is not null"
                        + " and status = 'PENDING' and attempts = 0 and claimed_until is null and next_attempt_at > ?2 order by id for share")
                .setParameter(1, ids.values().stream().map(UUID::toString).toArray(String[]::new)).setParameter(2, clock.instant())
                .setFlushMode(FlushModeType.COMMIT).getResultList();
        List<String> openRecipients = new ArrayList<>();
        List<String> openCauses = new ArrayList<>();
        ids.forEach((recipient, id) -> {
            if (open.contains(id)) {
                newest.get(recipient).open = true;
                openRecipients.add(recipient);
                openCauses.add(newest.get(recipient).cause);
            }
        });
        if (!openRecipients.isEmpty()) {
            for (Object[] row : (List<Object[]>) em.createNativeQuery("select l.recipient, l.cause_id, l.lines from notification_line_count l"
                            + " join unnest(cast(?1 as text[]), cast(?2 as text[])) as v(r, c) on l.recipient = v.r and l.cause_id = v.c")
                    .setParameter(1, openRecipients.toArray(String[]::new)).setParameter(2, openCauses.toArray(String[]::new))
                    .setFlushMode(FlushModeType.COMMIT).getResultList()) {
                newest.get((String) row[0]).lines = ((Number) row[2]).intValue();
            }
        }
        return newest;
    }

    /**
     * The recipient's next message of the group, planned with the first of {@code todo} (so the message log shows them before it is
     * sent), under a lock on recipient and group: an instance that planned it a moment earlier has committed it by then, and it is
     * used instead. A message planned that does not gather (its recipient's address erased by a removal, or a type they opted out
     * of: logged, never sent; or held for their daily digest) takes the lines it lists out of {@code todo} and is returned full, so
     * that the next lines plan the next one.
     */
    private Part plan(GroupKey key, Lines pending, List<String> todo, Part full) {
        em.createNativeQuery("select 1 from pg_advisory_xact_lock(hashtext(cast(?1 as text)))").setParameter(1, key.type() + "\n" + key.group() + "\n" + key.recipient())
                .setFlushMode(FlushModeType.COMMIT).getSingleResult();
        Part again = parts(key.type(), key.group(), List.of(key.recipient())).get(key.recipient());
        if (again != null && again.open && again.lines < MOST_LINES && (full == null || again.number > full.number)) {
            return again;
        }
        int number = Math.max(again == null ? 0 : again.number, full == null ? 0 : full.number) + 1;
        List<String> first = new ArrayList<>(todo.subList(0, Math.min(MOST_LINES, todo.size())));
        Notification planned = planAt(pending.to, key.type(), key.group() + number, pending.words.with(first), pending.eventId, pending.about,
                clock.instant().plus(pending.window), true);
        if (planned == null) {
            throw new IllegalStateException("a gathering message planned already: " + key.group() + number);
        }
        if (planned.status != Notification.Status.PENDING) {
            todo.subList(0, first.size()).clear();
            Part closed = new Part(planned.causeId, number);
            closed.lines = MOST_LINES;
            return closed;
        }
        // the words are stored to render it again when it is sent: without the guest, if this transaction removed them (planAt
        // erased the text it rendered now the same way)
        Optional<ErasedAddresses.Erasure> removed = pending.about.guestEmail() == null ? Optional.empty() : batch().erasure(pending.about.guestEmail());
        planned.gathered = removed.map(e -> pending.words.erased(e.withName(pending.about.guestName())::from)).orElse(pending.words).json();
        return new Part(planned.causeId, number);
    }

    private static int partNumber(String group, String cause) {
        try {
            return Integer.parseInt(cause.substring(group.length()));
        } catch (NumberFormatException e) {
            return 0; // a message gathered before messages were numbered
        }
    }


    /**
     * Renders each of {@code claimed} that gathered lines, as a sender claims it (in the claim's transaction): from all its lines,
     * once, with its webhook endpoints' copies made now with the same text; its lines are then deleted, the message holding them.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public void finish(List<Notification> claimed) {
        for (Notification n : claimed) {
            if (n.gathered == null) {
                continue;
            }
            List<String> lines = em.createNativeQuery("select line from notification_line where recipient = ?1 and cause_id = ?2 order by seq")
                    .setParameter(1, n.recipient).setParameter(2, n.causeId).setFlushMode(FlushModeType.COMMIT).getResultList();
            Rendered r = render(n.type, Gathered.of(n.gathered).with(lines));
            n.subject = r.subject();
            n.body = r.text();
            n.html = r.html();
            n.gathered = null;
            copies(n, batch());
            em.createNativeQuery("delete from notification_line where recipient = ?1 and cause_id = ?2").setParameter(1, n.recipient)
                    .setParameter(2, n.causeId).executeUpdate();
            em.createNativeQuery("delete from notification_line_count where recipient = ?1 and cause_id = ?2").setParameter(1, n.recipient)
                    .setParameter(2, n.causeId).executeUpdate();
        }
    }

    /**
     * A removal's erasure of the lines still waiting for their messages: a message to the removed person follows its recipient's
     * placeholder, and a line that names them names the placeholder instead. Returns the lines changed.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public int eraseLines(ErasedAddresses.Erasure erasure) {
        int changed = em.createNativeQuery("update notification_line set recipient = ?2 where lower(recipient) = ?1")
                .setParameter(1, erasure.address()).setParameter(2, erasure.placeholder()).executeUpdate();
        em.createNativeQuery("update notification_line_count set recipient = ?2 where lower(recipient) = ?1")
                .setParameter(1, erasure.address()).setParameter(2, erasure.placeholder()).executeUpdate();
        for (Object[] row : (List<Object[]>) em.createNativeQuery("select recipient, cause_id, line_md5, line from notification_line"
                + " where strpos(lower(line), ?1) > 0").setParameter(1, erasure.address()).getResultList()) {
            // in place, so it keeps its position; a line the erasure makes the same as another of the message is one line
            String line = erasure.from((String) row[3]);
            int updated = em.createNativeQuery("update notification_line l set line = ?4, line_md5 = cast(md5(?4) as uuid) where recipient = ?1"
                    + " and cause_id = ?2 and line_md5 = ?3 and not exists (select 1 from notification_line o where o.recipient = ?1"
                    + " and o.cause_id = ?2 and o.line_md5 = cast(md5(?4) as uuid))").setParameter(1, row[0]).setParameter(2, row[1])
                    .setParameter(3, row[2]).setParameter(4, line).executeUpdate();
            if (updated == 0) {
                em.createNativeQuery("delete from notification_line where recipient = ?1 and cause_id = ?2 and line_md5 = ?3").setParameter(1, row[0])
                        .setParameter(2, row[1]).setParameter(3, row[2]).executeUpdate();
            }
            changed++;
        }
        return changed;
    }

    /** A group's lines for one recipient, as this transaction gathered them, with how to plan their message. */
    private static final class Lines {
        final String to;
        Gathered words;
        final String eventId;
        final About about;
        final Duration window;
        java.util.LinkedHashSet<String> lines = new java.util.LinkedHashSet<>();

        Lines(String to, Gathered words, String eventId, About about, Duration window) {
            this.to = to;
            this.words = words;
            this.eventId = eventId;
            this.about = about;
            this.window = window;
        }
    }

    /** Whose message of which group: the order every consumer locks them in. */
    private record GroupKey(Notification.Type type, String group, String recipient) implements Comparable<GroupKey> {

        @Override
        public int compareTo(GroupKey other) {
            return java.util.Comparator.comparing((GroupKey k) -> k.type().name()).thenComparing(GroupKey::group).thenComparing(GroupKey::recipient)
                    .compare(this, other);
        }
    }

    /**
     * What one consumer transaction reads once for all the messages it plans: the webhook endpoints, and the messages it planned
     * itself (a second event about the same cause in the same batch plans nothing, found without flushing the session to ask the
     * database). A poll of hundreds of events otherwise flushed every planned message before each of their queries.
     */
    private final class Batch {
        final java.util.Set<String> planned = new java.util.HashSet<>();
        /** The lines this transaction gathered, by group and recipient, until {@link #writeGathered} writes them. */
        final Map<GroupKey, Lines> lines = new java.util.HashMap<>();
        private Map<String, List<UUID>> webhooksByType;
        private final Map<String, java.util.Optional<RecipientPreference>> preferences = new java.util.HashMap<>();
        private final Map<String, Optional<ErasedAddresses.Erasure>> erasures = new java.util.HashMap<>();
        /** Whether an earlier transaction planned a message, as {@link #prepare} read it for several at once. */
        private final Map<String, Boolean> plannedBefore = new java.util.HashMap<>();

        static String plannedKey(String recipient, String cause, UUID guestId) {
            return recipient + "\n" + cause + "\n" + guestId;
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
    private static final ObjectMapper JSON = new ObjectMapper();
}
