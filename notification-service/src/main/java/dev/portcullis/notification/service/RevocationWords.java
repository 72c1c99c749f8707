package dev.portcullis.notification.service;

import java.util.List;

/**
 * What a sponsor and a resource owner read when a guest loses access, for each reason: what happened and who did it, then what
 * the reader can do about it. A block's reasons ({@code guest-blocked}: the partner's signals, an admin, SCIM, inactivity) and a
 * grant's ({@code access-revoked}: a review, a policy, the end date, an admin) each have their own words; an admin's revocation
 * never tells anyone to have an account re-enabled that was never disabled.
 */
public final class RevocationWords {

    /** Every reason a message may be about, for the template tests. */
    public static final List<String> REASONS = List.of("PARTNER_ACCOUNT_DISABLED", "PARTNER_CREDENTIAL_COMPROMISED", "PARTNER_BLOCKED", "ADMIN",
            "SCIM", "INACTIVE", "REVIEW_DENIED", "POLICY_VIOLATION", "EXPIRED", "MANUAL");

    /** {@code what}: what happened and who did it; {@code sponsorNext} and {@code ownerNext}: what each reader can do. */
    public record Words(String what, String sponsorNext, String ownerNext) {

        public String next(boolean sponsor) {
            return sponsor ? sponsorNext : ownerNext;
        }
    }

    private static final String NOTHING = "Nothing is needed from you.";

    private RevocationWords() {
    }

    /** The words for {@code reason}, done by {@code actor} (an address, a client, a partner's transmitter; null if not known). */
    public static Words of(String reason, String actor) {
        String who = actor == null || actor.isBlank() ? "an administrator" : actor;
        return switch (reason) {
            case "PARTNER_ACCOUNT_DISABLED" -> new Words("Their home organization disabled their account, so Portcullis blocked the guest and revoked"
                    + " all their access at once.", "If this is a mistake, ask the partner organization to re-enable the account, then ask an"
                    + " administrator to unblock the guest; they can then request access again.", NOTHING);
            case "PARTNER_CREDENTIAL_COMPROMISED" -> new Words("Their home organization reported their credentials as compromised, so Portcullis"
                    + " blocked the guest and revoked all their access at once.", "Once the partner organization has secured the account, an"
                    + " administrator can unblock the guest; they can then request access again.", NOTHING);
            case "PARTNER_BLOCKED" -> new Words(who + " blocked the guest's whole organization, so Portcullis blocked every guest of it and revoked"
                    + " their access.", "If the organization should work with you again, ask " + who + " to unblock it.", NOTHING);
            case "ADMIN" -> new Words(who + " blocked the guest and revoked all their access.", "If you did not expect this, ask " + who + " why.",
                    "If you did not expect this, ask " + who + " why.");
            case "SCIM" -> new Words("Your organization's provisioning system (" + who + ") deactivated the guest, so Portcullis blocked them and"
                    + " revoked all their access.", "If this is a mistake, ask your identity team to activate the user again there.", NOTHING);
            case "INACTIVE" -> new Words("The guest has not signed in for a long time, so Portcullis blocked them. Their access is kept, not revoked:"
                    + " it comes back if they are unblocked.", "If they still work with you, ask an administrator to unblock them.", NOTHING);
            case "REVIEW_DENIED" -> new Words("An access review denied it (or nobody confirmed it before the review ended), so Portcullis revoked it.",
                    "If the guest still needs it, they can request it again; the owners decide.", NOTHING);
            case "POLICY_VIOLATION" -> new Words("It broke a governance policy in force, so Portcullis revoked it.",
                    "If the guest still needs it, ask an administrator about the policy before they request it again.", NOTHING);
            case "EXPIRED" -> new Words("It reached its end date.", "If the guest still needs it, they can request it again.", NOTHING);
            case "MANUAL" -> new Words(who + " revoked it.", "If you did not expect this, ask " + who + " why; the guest can request it again.",
                    "If you did not expect this, ask " + who + " why.");
            default -> new Words("The guest lost access (" + reason + ", by " + who + ").", "If you did not expect this, ask an administrator.",
                    NOTHING);
        };
    }

    /** The words of a partner organization's block, by {@code actor}, for the one message that lists its guests. */
    public static Words organizationBlocked(String actor) {
        String who = actor == null || actor.isBlank() ? "an administrator" : actor;
        String next = "If the organization should work with you again, ask " + who + " to unblock it.";
        return new Words(who + " blocked a partner organization, so Portcullis blocked every guest of it and revoked their access.", next, next);
    }

    /** The guest as every message names them: "Name <address>", or the address alone. */
    public static String guest(String name, String email) {
        return (name == null || name.isBlank() ? "" : name + " ") + "<" + email + ">";
    }
}
