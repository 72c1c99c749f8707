package dev.portcullis.notification.service;

import dev.portcullis.backbone.work.AfterCommit;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.GuestRemoved;
import dev.portcullis.events.GuestBlocked.RevokedGrant;
import dev.portcullis.notification.domain.Notification;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Turns a guest's block into messages: one to each sponsor and one to each owner of a resource the
 * guest lost — one per person per cause and guest, however many grants it ended. Someone who is both sponsor
 * and owner gets the sponsor's message, which lists everything.
 */
@ApplicationScoped
public class RevocationNotices {

    private static final Logger LOG = Logger.getLogger(RevocationNotices.class);

    @Inject
    Clock clock;

    @Inject
    AfterCommit afterCommit;

    @Inject
    MailSender sender;

    @Transactional(Transactional.TxType.MANDATORY)
    public int plan(GuestBlocked event, String eventId) {
        String cause = event.causeId() != null ? event.causeId() : eventId;
        Map<String, Notification> messages = new LinkedHashMap<>();
        for (String sponsor : event.sponsors()) {
            messages.putIfAbsent(normalize(sponsor), message(normalize(sponsor), Notification.Type.GUEST_ACCESS_REVOKED,
                    "Access ended for " + event.email() + ", whom you sponsor",
                    sponsorBody(event), cause, eventId, event.guestId()));
        }
        Map<String, List<RevokedGrant>> grantsByOwner = new LinkedHashMap<>();
        for (RevokedGrant grant : event.revokedGrants()) {
            grant.owners().forEach(owner -> grantsByOwner.computeIfAbsent(normalize(owner), o -> new java.util.ArrayList<>()).add(grant));
        }
        grantsByOwner.forEach((owner, grants) -> messages.putIfAbsent(owner, message(owner, Notification.Type.RESOURCE_ACCESS_REVOKED,
                "Guest " + event.email() + " no longer has access to your resources", ownerBody(event, grants), cause, eventId, event.guestId())));

        int planned = 0;
        for (Notification message : messages.values()) {
            message.guestEmail = event.email();
            message.guestName = event.displayName();
            if (Notification.count("recipient = ?1 and causeId = ?2 and guestId = ?3", message.recipient, cause, message.guestId) == 0) {
                message.persist();
                planned++;
            }
        }
        if (planned > 0) {
            afterCommit.runOnce(MailSender.class, sender::wake);
        }
        LOG.infof("guest=%s cause=%s notifications planned=%d", event.guestId(), cause, planned);
        return planned;
    }

    /**
     * A removed guest's personal data leaves the message log too (inventory erased it everywhere else):
     * their address and name in every message about them become the erased placeholder. A message not
     * sent yet goes out erased.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int erase(GuestRemoved event) {
        String erased = GuestRemoved.erasedEmail(event.guestId());
        int changed = 0;
        for (Notification n : Notification.<Notification>list("guestId = ?1 and guestEmail is not null and guestEmail <> ?2",
                UUID.fromString(event.guestId()), erased)) {
            n.subject = scrub(n.subject, n, erased);
            n.body = scrub(n.body, n, erased);
            n.guestEmail = erased;
            n.guestName = null;
            changed++;
        }
        LOG.infof("guest=%s removed: %d notifications erased", event.guestId(), changed);
        return changed;
    }

    private static String scrub(String text, Notification n, String erased) {
        String out = text.replace(n.guestEmail, erased);
        return n.guestName == null || n.guestName.isBlank() ? out : out.replace(n.guestName, "[erased]");
    }

    private Notification message(String recipient, Notification.Type type, String subject, String body, String cause, String eventId,
            String guestId) {
        return Notification.pending(recipient, type, subject, body, cause, eventId, UUID.fromString(guestId), clock.instant());
    }

    private static String sponsorBody(GuestBlocked event) {
        return "You sponsor " + describe(event) + ".\n\n"
                + why(event) + "\n\n"
                + (event.revokedGrants().isEmpty() ? "They held no access here." : "Access revoked:\n" + list(event.revokedGrants())) + "\n\n"
                + "Nothing is needed from you. If this is a mistake, ask the partner organization to re-enable the account, "
                + "then ask an administrator to unblock the guest.\n";
    }

    private static String ownerBody(GuestBlocked event, List<RevokedGrant> grants) {
        return describe(event) + " no longer has access to your resources.\n\n"
                + why(event) + "\n\n"
                + "Access revoked:\n" + list(grants) + "\n\nNothing is needed from you.\n";
    }

    private static String describe(GuestBlocked event) {
        return (event.displayName() == null ? "" : event.displayName() + " ") + "<" + event.email() + ">";
    }

    private static String why(GuestBlocked event) {
        return "PARTNER_ACCOUNT_DISABLED".equals(event.reason())
                ? "Their home organization disabled their account, so Portcullis blocked the guest and revoked every access at once."
                : "The guest was blocked (" + event.reason() + ").";
    }

    private static String list(List<RevokedGrant> grants) {
        return grants.stream().map(g -> "  - " + g.resourceName() + (g.role() == null ? "" : " (" + g.role() + ")"))
                .collect(Collectors.joining("\n"));
    }

    private static String normalize(String email) {
        return email.toLowerCase(Locale.ROOT);
    }
}
