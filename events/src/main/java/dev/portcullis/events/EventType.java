package dev.portcullis.events;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every event of the platform: its CloudEvents {@code type}, its topic, and — for those the platform
 * already emits or reads — its payload record and JSON Schema. Event types still without a payload
 * are named here so the catalogue matches ARCHITECTURE.md; their records come with the capability
 * that emits them.
 */
public enum EventType {
    PARTNER_ACCOUNT_DISABLED("signal", "partner-account-disabled", Topic.PARTNER_SIGNALS, PartnerAccountDisabled.class),
    PARTNER_ACCOUNT_ENABLED("signal", "partner-account-enabled", Topic.PARTNER_SIGNALS, PartnerAccountEnabled.class),
    PARTNER_ACCOUNT_PURGED("signal", "partner-account-purged", Topic.PARTNER_SIGNALS, PartnerAccountPurged.class),
    PARTNER_CREDENTIAL_COMPROMISED("signal", "partner-credential-compromised", Topic.PARTNER_SIGNALS, PartnerCredentialCompromised.class),

    GUEST_INVITED("guest", "guest-invited", Topic.INVENTORY_GUESTS, GuestInvited.class),
    GUEST_UPDATED("guest", "guest-updated", Topic.INVENTORY_GUESTS, GuestUpdated.class),
    GUEST_SIGNED_IN("guest", "guest-signed-in", Topic.INVENTORY_GUESTS, GuestSignedIn.class),
    GUEST_BLOCKED("guest", "guest-blocked", Topic.INVENTORY_GUESTS, GuestBlocked.class),
    GUEST_UNBLOCKED("guest", "guest-unblocked", Topic.INVENTORY_GUESTS, GuestUnblocked.class),
    GUEST_REMOVED("guest", "guest-removed", Topic.INVENTORY_GUESTS, GuestRemoved.class),
    GUEST_SPONSOR_MISSING("guest", "guest-sponsor-missing", Topic.INVENTORY_GUESTS, GuestSponsorMissing.class),

    ACCESS_GRANTED("guest", "access-granted", Topic.INVENTORY_ACCESS, AccessGranted.class),
    ACCESS_EXPIRING("guest", "access-expiring", Topic.INVENTORY_ACCESS, AccessExpiring.class),
    ACCESS_REVOKED("guest", "access-revoked", Topic.INVENTORY_ACCESS, AccessRevoked.class),

    RESOURCE_UPSERTED("resource", "resource-upserted", Topic.INVENTORY_RESOURCES, ResourceUpserted.class),
    RESOURCE_REMOVED("resource", "resource-removed", Topic.INVENTORY_RESOURCES, null),

    PARTNER_UPSERTED("partner", "partner-upserted", Topic.INVENTORY_PARTNERS, PartnerUpserted.class),

    CAMPAIGN_STARTED("review", "campaign-started", Topic.REVIEW_CAMPAIGNS, CampaignStarted.class),
    REVIEWER_ASSIGNED("review", "reviewer-assigned", Topic.REVIEW_CAMPAIGNS, ReviewerAssigned.class),
    REVIEW_REMINDER_DUE("review", "review-reminder-due", Topic.REVIEW_CAMPAIGNS, ReviewReminderDue.class),
    CAMPAIGN_COMPLETED("review", "campaign-completed", Topic.REVIEW_CAMPAIGNS, CampaignCompleted.class),
    REVIEW_DECISION_RECORDED("review", "review-decision-recorded", Topic.REVIEW_DECISIONS, ReviewDecisionRecorded.class),

    ACCESS_PACKAGE_CHANGED("review", "access-package-changed", Topic.REVIEW_PACKAGES, AccessPackageChanged.class),
    ACCESS_REQUEST_SUBMITTED("request", "access-request-submitted", Topic.REVIEW_REQUESTS, AccessRequestSubmitted.class),
    APPROVAL_REQUESTED("request", "approval-requested", Topic.REVIEW_REQUESTS, ApprovalRequested.class),
    ACCESS_REQUEST_DECIDED("request", "access-request-decided", Topic.REVIEW_REQUESTS, AccessRequestDecided.class),
    ACCESS_REQUEST_APPROVED("request", "access-request-approved", Topic.REVIEW_REQUESTS, AccessRequestApproved.class),
    ACCESS_REQUEST_DELIVERED("request", "access-request-delivered", Topic.REVIEW_REQUESTS, AccessRequestDelivered.class),
    ACCESS_REQUEST_REFUSED("request", "access-request-refused", Topic.INVENTORY_DELIVERIES, AccessRequestRefused.class),

    ACCESS_REVOCATION_REQUESTED("governance", "access-revocation-requested", Topic.GOVERNANCE_REVOCATIONS, AccessRevocationRequested.class),

    POLICY_VIOLATION_DETECTED("policy", "policy-violation-detected", Topic.POLICY_VIOLATIONS, PolicyViolationDetected.class),
    POLICY_VIOLATION_RESOLVED("policy", "policy-violation-resolved", Topic.POLICY_VIOLATIONS, PolicyViolationResolved.class),
    POLICY_ENFORCEMENT_HELD("policy", "policy-enforcement-held", Topic.POLICY_VIOLATIONS, PolicyEnforcementHeld.class),

    NOTIFICATION_DELIVERED("notification", "notification-delivered", Topic.NOTIFICATION_DELIVERIES, NotificationDelivered.class),
    NOTIFICATION_FAILED("notification", "notification-failed", Topic.NOTIFICATION_DELIVERIES, NotificationFailed.class);

    private final String ceType;
    private final String eventName;
    private final Topic topic;
    private final Class<? extends EventPayload> payloadType;

    EventType(String area, String eventName, Topic topic, Class<? extends EventPayload> payloadType) {
        this.ceType = "dev.portcullis." + area + "." + eventName + ".v1";
        this.eventName = eventName;
        this.topic = topic;
        this.payloadType = payloadType;
    }

    /** The CloudEvents {@code type}, e.g. {@code dev.portcullis.guest.access-revoked.v1}. */
    public String ceType() {
        return ceType;
    }

    /** The name ARCHITECTURE.md uses, e.g. {@code access-revoked}. */
    public String eventName() {
        return eventName;
    }

    public Topic topic() {
        return topic;
    }

    public Optional<Class<? extends EventPayload>> payloadType() {
        return Optional.ofNullable(payloadType);
    }

    /** Classpath location of the JSON Schema of the payload. */
    public String schemaResource() {
        return "/schemas/" + eventName + ".v1.json";
    }

    public static Optional<EventType> ofCeType(String ceType) {
        return Optional.ofNullable(ceType == null ? null : BY_CE_TYPE.get(ceType));
    }

    /** Every consumed event asks this, several times: a map, not a scan of the catalogue. */
    private static final java.util.Map<String, EventType> BY_CE_TYPE = Arrays.stream(values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(t -> t.ceType, t -> t));

    public static List<EventType> withPayload() {
        return Arrays.stream(values()).filter(t -> t.payloadType != null).toList();
    }
}
