package dev.portcullis.notification.service;

import dev.portcullis.events.PolicyViolationDetected;
import dev.portcullis.notification.domain.Notification;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/** A guest's access that breaks a policy, to the resource's owners: once per owner and violation, saying what follows. */
@ApplicationScoped
public class PolicyNotices {

    private static final Logger LOG = Logger.getLogger(PolicyNotices.class);

    @Inject
    Messages messages;

    @Transactional(Transactional.TxType.MANDATORY)
    public int violated(PolicyViolationDetected event, String eventId) {
        String guest = event.guestEmail() != null ? event.guestEmail() : "guest " + event.guestId();
        String resource = event.resourceName() != null ? event.resourceName() : "resource " + event.resourceId();
        int planned = 0;
        for (String owner : new LinkedHashSet<>(event.resourceOwners().stream().map(o -> o.toLowerCase(Locale.ROOT)).toList())) {
            planned += messages.plan(owner, Notification.Type.POLICY_VIOLATION, "violation:" + event.violationId(),
                    Map.of("guest", guest, "resource", resource, "policy", event.policyName(), "version", event.policyVersion(),
                            "message", event.message(), "follows", follows(event.enforcement())),
                    eventId, new Messages.About(UUID.fromString(event.guestId()), event.guestEmail(), null)) ? 1 : 0;
        }
        if (event.resourceOwners().isEmpty()) {
            LOG.infof("violation=%s of policy %s: the resource's owners are unknown, nobody told", event.violationId(), event.policyId());
        }
        return planned;
    }

    /** What follows a violation, as a sentence. */
    static String follows(String enforcement) {
        return switch (enforcement) {
            case "REVOCATION_REQUESTED" -> "The policy is enforced: this access is being revoked now. Nothing is needed from you.";
            case "HELD" -> "The policy is enforced, but its change would revoke many accesses at once, so the revocation waits for an"
                    + " administrator to confirm it.";
            default -> "The policy only reports: the access stays. Decide whether the guest still needs it, and remove it if not.";
        };
    }
}
