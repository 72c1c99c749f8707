package dev.portcullis.notification.service;

import dev.portcullis.events.AccessExpiring;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.notification.config.NotificationSettings;
import java.util.EnumSet;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.GuestRemoved;
import dev.portcullis.events.GuestBlocked.RevokedGrant;
import dev.portcullis.notification.domain.Notification;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns a guest's block into messages: one to each sponsor and one to each owner of a resource the
 * guest lost — one per person per cause and guest, however many grants it ended; grants that end one by one
 * (a review, a policy, an expiry, an admin) are gathered per guest and reason the same way, and a partner organization's block
 * per person, one line a guest. Someone who is both sponsor and owner gets the sponsor's message, which lists everything.
 */
@ApplicationScoped
public class RevocationNotices {

    private static final Logger LOG = Logger.getLogger(RevocationNotices.class);

    @Inject
    Messages messages;

    @Inject
    dev.portcullis.backbone.outbox.Outbox outbox;

    @Inject
    NotificationSettings settings;

    @Inject
    ErasedAddresses erasedAddresses;

    @Transactional(Transactional.TxType.MANDATORY)
    public int plan(GuestBlocked event, String eventId) {
        if (RevocationReason.PARTNER_BLOCKED.name().equals(event.reason())) {
            return organizationBlocked(event, eventId);
        }
        String cause = event.causeId() != null ? event.causeId() : eventId;
        Messages.About about = new Messages.About(UUID.fromString(event.guestId()), event.email(), event.displayName());
        String guest = RevocationWords.guest(event.displayName(), event.email());
        RevocationWords.Words words = RevocationWords.of(event.reason(), event.actor());
        Map<String, List<RevokedGrant>> grantsByOwner = new LinkedHashMap<>();
        for (RevokedGrant grant : event.revokedGrants()) {
            grant.owners().forEach(owner -> grantsByOwner.computeIfAbsent(normalize(owner), o -> new java.util.ArrayList<>()).add(grant));
        }
        List<String> recipients = new java.util.ArrayList<>(event.sponsors());
        recipients.addAll(grantsByOwner.keySet());
        messages.prepare(recipients, cause, about);
        int planned = 0;
        Set<String> told = new java.util.HashSet<>();
        for (String sponsor : event.sponsors()) {
            if (told.add(normalize(sponsor)) && messages.plan(sponsor, Notification.Type.GUEST_ACCESS_REVOKED, cause,
                    data(guest, event.email(), words, true, list(event.revokedGrants())), eventId, about)) {
                planned++;
            }
        }
        for (Map.Entry<String, List<RevokedGrant>> owner : grantsByOwner.entrySet()) {
            // someone who is both sponsor and owner gets the sponsor's message, which lists everything
            if (told.add(owner.getKey()) && messages.plan(owner.getKey(), Notification.Type.RESOURCE_ACCESS_REVOKED, cause,
                    data(guest, event.email(), words, false, list(owner.getValue())), eventId, about)) {
                planned++;
            }
        }
        LOG.infof("guest=%s cause=%s notifications planned=%d", event.guestId(), cause, planned);
        return planned;
    }

    /**
     * A guest blocked with their whole organization (a partner's block: thousands of guests at once) is a line in each sponsor's and
     * owner's one message about the block, which waits {@code portcullis.notification.partner-block-gathering} for the others (up to
     * {@link Messages#MOST_LINES} guests a message). The line names the guest by address alone: a removal erases it from the
     * message like any other copy of the address.
     */
    private int organizationBlocked(GuestBlocked event, String eventId) {
        String group = "organization-blocked:" + (event.causeId() != null ? event.causeId() : eventId) + ":";
        String address = event.email() == null ? "guest " + event.guestId() : messages.shown(event.email());
        RevocationWords.Words words = RevocationWords.organizationBlocked(event.actor());
        Messages.Gathered gathered = new Messages.Gathered(Map.of("what", words.what(), "next", words.next(true)), "guests");
        Map<String, List<RevokedGrant>> grantsByOwner = new LinkedHashMap<>();
        for (RevokedGrant grant : event.revokedGrants()) {
            grant.owners().forEach(owner -> grantsByOwner.computeIfAbsent(normalize(owner), o -> new java.util.ArrayList<>()).add(grant));
        }
        Set<String> told = new java.util.HashSet<>();
        for (String sponsor : event.sponsors()) {
            // a sponsor's line lists everything the guest lost, their own resources too
            if (told.add(normalize(sponsor))) {
                messages.gather(sponsor, Notification.Type.ORGANIZATION_BLOCKED, group, address + ", whom you sponsor: " + lost(event.revokedGrants()),
                        gathered, eventId, Messages.About.NOBODY, settings.partnerBlockGathering());
            }
        }
        for (Map.Entry<String, List<RevokedGrant>> owner : grantsByOwner.entrySet()) {
            if (told.add(owner.getKey())) {
                messages.gather(owner.getKey(), Notification.Type.ORGANIZATION_BLOCKED, group, address + ": " + lost(owner.getValue()), gathered,
                        eventId, Messages.About.NOBODY, settings.partnerBlockGathering());
            }
        }
        return told.size();
    }

    private static String lost(List<RevokedGrant> grants) {
        return grants.isEmpty() ? "no access left to revoke" : String.join(", ", list(grants));
    }

    /** Before the consumer's transaction commits: the lines it gathered, written to their messages at once. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void beforeCommit() {
        messages.writeGathered();
    }

    /** Reasons whose grants end one by one, with no guest-blocked to list them: told from each access-revoked, gathered per guest. */
    private static final Set<RevocationReason> ONE_BY_ONE = EnumSet.of(RevocationReason.REVIEW_DENIED, RevocationReason.POLICY_VIOLATION,
            RevocationReason.EXPIRED, RevocationReason.MANUAL);

    /**
     * A grant that ended on its own (a review's denial, a policy, its expiry, an admin), to the guest's sponsors and the resource's
     * owners. A campaign's or a policy's revocations come as many events at once: the first message waits
     * {@code portcullis.notification.revocation-gathering} for the next ones of the same guest and reason, and lists them all. A block's
     * revocations are told with its {@code guest-blocked} ({@link #plan}), a removal's with {@code guest-removed}.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int revoked(AccessRevoked event, String eventId) {
        if (!ONE_BY_ONE.contains(event.reason())) {
            return 0;
        }
        String guest = event.guestEmail() != null ? RevocationWords.guest(event.guestName(), event.guestEmail()) : "guest " + event.guestId();
        String line = (event.resourceName() == null ? "resource " + event.resourceId() : event.resourceName())
                + (event.role() == null ? "" : " (" + event.role() + ")");
        Messages.About about = new Messages.About(UUID.fromString(event.guestId()), event.guestEmail(), event.guestName());
        String address = event.guestEmail() != null ? event.guestEmail() : "guest " + event.guestId();
        Set<String> told = new java.util.HashSet<>();
        for (String sponsor : event.sponsors()) {
            if (told.add(normalize(sponsor))) {
                gather(normalize(sponsor), Notification.Type.GUEST_ACCESS_REVOKED, event, guest, address, line, about, eventId, true);
            }
        }
        for (String owner : event.resourceOwners()) {
            if (told.add(normalize(owner))) {
                gather(normalize(owner), Notification.Type.RESOURCE_ACCESS_REVOKED, event, guest, address, line, about, eventId, false);
            }
        }
        return told.size();
    }

    /** Adds the grant to the recipient's message about this guest and reason that is still gathering, or to one planned for it. */
    private void gather(String recipient, Notification.Type type, AccessRevoked event, String guest, String address, String line,
            Messages.About about, String eventId, boolean sponsor) {
        RevocationWords.Words words = RevocationWords.of(event.reason().name(), event.actor());
        messages.gather(recipient, type, "revoked:" + event.reason() + ":" + event.guestId() + ":", line,
                new Messages.Gathered(words(guest, address, words, sponsor), "grants"), eventId, about, settings.revocationGathering());
    }

    /** A revocation message's data: its words, and the access. */
    static Map<String, Object> data(String guest, String address, RevocationWords.Words words, boolean sponsor, List<String> grants) {
        Map<String, Object> data = words(guest, address, words, sponsor);
        data.put("grants", grants);
        return data;
    }

    /** A revocation message's words: the guest (as named, and their address), what happened, what the reader (a sponsor, or an owner) can do. */
    private static Map<String, Object> words(String guest, String address, RevocationWords.Words words, boolean sponsor) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("guest", guest);
        data.put("address", address);
        data.put("what", words.what());
        data.put("next", words.next(sponsor));
        return data;
    }

    /**
     * A removed guest's personal data leaves the message log too (inventory erased it everywhere else):
     * their address and name in every message about them become the erased placeholder; and the address
     * the removal names leaves every other message that holds it: those sent to them (their requests'
     * notices, from before they were a guest too), a digest that copied a message's text, an error that
     * quoted it; their delivery preferences go. A message not sent yet goes out erased (to nobody, if it
     * was theirs).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int erase(GuestRemoved event) {
        String erased = GuestRemoved.erasedEmail(event.guestId());
        // first, so that a message planned from here on (an event about them still on its way) is erased as it is planned
        ErasedAddresses.Erasure erasure = event.email() == null ? null : erasedAddresses.fence(event.email(), erased);
        if (erasure != null) {
            messages.erased(erasure); // and for the rest of this transaction's events, whatever was read before
        }
        int changed = 0;
        for (Notification n : Notification.<Notification>list("guestId = ?1 and guestEmail is not null and guestEmail <> ?2",
                UUID.fromString(event.guestId()), erased)) {
            ErasedAddresses.Erasure about = new ErasedAddresses.Erasure(n.guestEmail, erased, n.guestName);
            n.subject = about.from(n.subject);
            n.body = about.from(n.body);
            n.html = about.fromHtml(n.html);
            if (n.gathered != null) {
                n.gathered = Messages.Gathered.of(n.gathered).erased(about::from).json();
            }
            n.guestEmail = erased;
            n.guestName = null;
            changed++;
        }
        if (erasure != null) {
            String address = erasure.address();
            for (Notification n : Notification.<Notification>list("lower(recipient) = ?1 or locate(?1, lower(subject)) > 0 or locate(?1, lower(body)) > 0"
                    + " or locate(?1, lower(coalesce(html, ''))) > 0 or locate(?1, lower(coalesce(lastError, ''))) > 0"
                    + " or locate(?1, lower(coalesce(gathered, ''))) > 0", address)) {
                if (normalize(n.recipient).equals(address)) {
                    n.recipient = erased;
                }
                n.subject = erasure.from(n.subject);
                n.body = erasure.from(n.body);
                n.html = erasure.fromHtml(n.html);
                n.lastError = erasure.from(n.lastError);
                if (n.gathered != null) {
                    n.gathered = Messages.Gathered.of(n.gathered).erased(erasure::from).json();
                }
                changed++;
            }
            changed += messages.eraseLines(erasure);
            dev.portcullis.notification.domain.RecipientPreference.delete("lower(recipient) = ?1", address);
            outbox.erase(address, erased);
        }
        LOG.infof("guest=%s removed: %d notifications erased", event.guestId(), changed);
        return changed;
    }

    /** A removed guest's sponsors learn it once. The guest's data is erased, so the message names them by their id alone. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int removed(GuestRemoved event, String eventId) {
        int planned = 0;
        for (String sponsor : new LinkedHashSet<>(event.sponsors())) {
            planned += messages.plan(sponsor, Notification.Type.GUEST_REMOVED, "guest:" + event.guestId() + ":removed",
                    Map.of("guestId", event.guestId(), "reason", event.reason(),
                            "revoked", event.revokedGrantIds().size()), eventId, new Messages.About(UUID.fromString(event.guestId()), null, null)) ? 1 : 0;
        }
        return planned;
    }

    /** A grant's coming end, to the guest's sponsors: once per notice (14 days, then 1 day before). */
    @Transactional(Transactional.TxType.MANDATORY)
    public int expiring(AccessExpiring event, String eventId) {
        int planned = 0;
        for (String sponsor : new LinkedHashSet<>(event.sponsors())) {
            planned += messages.plan(sponsor, Notification.Type.ACCESS_EXPIRING, "grant:" + event.grantId() + ":expiring:" + event.noticeDays(),
                    Map.of("guest", event.guestEmail(), "resource", event.resourceName(), "role", event.role() == null ? "" : event.role(),
                            "ends", Messages.dayAndTime(event.expiresAt()), "endsOn", Messages.date(event.expiresAt()), "days", event.noticeDays()),
                    eventId, new Messages.About(UUID.fromString(event.guestId()), event.guestEmail(), null)) ? 1 : 0;
        }
        return planned;
    }


    private static List<String> list(List<RevokedGrant> grants) {
        return grants.stream().map(g -> g.resourceName() + (g.role() == null ? "" : " (" + g.role() + ")")).toList();
    }

    private static String normalize(String email) {
        return email.toLowerCase(Locale.ROOT);
    }
}
