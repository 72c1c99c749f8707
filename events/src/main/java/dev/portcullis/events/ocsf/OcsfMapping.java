package dev.portcullis.events.ocsf;

import static dev.portcullis.events.ocsf.Ocsf.array;
import static dev.portcullis.events.ocsf.Ocsf.entity;
import static dev.portcullis.events.ocsf.Ocsf.guest;
import static dev.portcullis.events.ocsf.Ocsf.resource;
import static dev.portcullis.events.ocsf.Ocsf.strings;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.AccessPackageChanged;
import dev.portcullis.events.AccessRequestDecided;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.CampaignCompleted;
import dev.portcullis.events.CampaignStarted;
import dev.portcullis.events.EventPayload;
import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.GuestInvited;
import dev.portcullis.events.GuestRemoved;
import dev.portcullis.events.GuestUnblocked;
import dev.portcullis.events.GuestUpdated;
import dev.portcullis.events.PartnerUpserted;
import dev.portcullis.events.PolicyEnforcementHeld;
import dev.portcullis.events.PolicyViolationDetected;
import dev.portcullis.events.PolicyViolationResolved;
import dev.portcullis.events.ResourceUpserted;
import dev.portcullis.events.ReviewDecisionRecorded;
import dev.portcullis.events.ocsf.Ocsf.Activity;
import dev.portcullis.events.ocsf.Ocsf.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The CloudEvents a SOC cares about, as OCSF records: a guest's account changes (3001), their grants and revocations (3005), the
 * decisions of reviewers and approvers, the administrators' changes to partners, resources, packages and campaigns, and the
 * enforcements held for an administrator (3004), and the policies' violations (2003). {@code metadata.uid} is the CloudEvent's id and {@code metadata.correlation_uid} its cause,
 * so a SIEM joins the record to its event and to the rest of its chain. Events of no interest to a SOC (sign-ins, reminders,
 * deliveries of mail) map to nothing.
 */
public final class OcsfMapping {

    private OcsfMapping() {
    }

    /** The record of {@code payload}, written as the CloudEvent {@code ceId} at {@code time}; empty when a SOC has no use for it. */
    public static Optional<OcsfRecord> of(EventPayload payload, UUID ceId, Instant time) {
        String code = payload.eventType().ceType();
        String log = payload.eventType().topic().topicName();
        return Optional.ofNullable(switch (payload.eventType()) {
            case GUEST_INVITED -> {
                GuestInvited e = (GuestInvited) payload;
                yield Ocsf.of(Ocsf.ACCOUNT_CREATE, Severity.INFORMATIONAL, ceId, code, log, time).actor(e.actor())
                        .user(guest(e.guestId(), e.email(), e.displayName(), e.partnerId())).statusDetail(e.reason())
                        .message("guest invited").key(e.key());
            }
            case GUEST_BLOCKED -> {
                GuestBlocked e = (GuestBlocked) payload;
                yield Ocsf.of(Ocsf.ACCOUNT_DISABLE, Severity.MEDIUM, ceId, code, log, time).actor(e.actor()).correlation(e.causeId())
                        .user(guest(e.guestId(), e.email(), e.displayName(), null)).statusDetail(e.reason())
                        .message("guest blocked; " + e.revokedGrants().size() + " grant(s) revoked").key(e.key());
            }
            case GUEST_UNBLOCKED -> {
                GuestUnblocked e = (GuestUnblocked) payload;
                yield Ocsf.of(Ocsf.ACCOUNT_ENABLE, Severity.INFORMATIONAL, ceId, code, log, time).actor(e.actor()).correlation(e.causeId())
                        .user(guest(e.guestId(), e.email(), e.displayName(), null)).statusDetail(e.reason())
                        .message("guest unblocked").key(e.key());
            }
            case GUEST_UPDATED -> {
                GuestUpdated e = (GuestUpdated) payload;
                yield Ocsf.of(Ocsf.ACCOUNT_OTHER, Severity.INFORMATIONAL, ceId, code, log, time).actor(e.actor()).correlation(e.causeId())
                        .user(guest(e.guestId(), e.email(), e.displayName(), null)).statusDetail(e.reason())
                        .message("guest updated: " + String.join(", ", e.changed())).key(e.key());
            }
            case GUEST_REMOVED -> {
                GuestRemoved e = (GuestRemoved) payload;
                // the address is being erased: the record names the guest by id only
                yield Ocsf.of(Ocsf.ACCOUNT_DELETE, Severity.MEDIUM, ceId, code, log, time).actor(e.actor()).correlation(e.causeId())
                        .user(guest(e.guestId(), null, null, null)).statusDetail(e.reason())
                        .message("guest removed; " + e.revokedGrantIds().size() + " grant(s) revoked").key(e.key());
            }
            case ACCESS_GRANTED -> {
                AccessGranted e = (AccessGranted) payload;
                yield Ocsf.of(Ocsf.ASSIGN_PRIVILEGES, Severity.INFORMATIONAL, ceId, code, log, time).actor(e.actor()).correlation(e.requestId())
                        .user(guest(e.guestId(), null, null, null)).set("privileges", strings(List.of(e.role())))
                        .set("resources", array(resource(e.resourceId(), null, "Resource", null))).statusDetail(e.reason())
                        .message("grant " + e.grantId() + " assigned" + (e.expiresAt() == null ? "" : ", until " + e.expiresAt())).key(e.key());
            }
            case ACCESS_REVOKED -> {
                AccessRevoked e = (AccessRevoked) payload;
                yield Ocsf.of(Ocsf.REVOKE_PRIVILEGES, Severity.INFORMATIONAL, ceId, code, log, time).actor(e.actor()).correlation(e.causeId())
                        .user(guest(e.guestId(), e.guestEmail(), e.guestName(), null)).set("privileges", strings(List.of(e.role())))
                        .set("resources", array(resource(e.resourceId(), e.resourceName(), "Resource", null))).statusDetail(e.reason().name())
                        .message("grant " + e.grantId() + " revoked").key(e.key());
            }
            case REVIEW_DECISION_RECORDED -> {
                ReviewDecisionRecorded e = (ReviewDecisionRecorded) payload;
                Map<String, Object> data = data("campaignId", e.campaignId(), "campaignName", e.campaignName(), "grantId", e.grantId(),
                        "guestId", e.guestId(), "resourceId", e.resourceId(), "decision", e.decision(), "recommendation", e.recommendation());
                yield Ocsf.of(Ocsf.ENTITY_UPDATE, Severity.INFORMATIONAL, ceId, code, log, time).actor(e.reviewer()).correlation(e.campaignId())
                        .set("entity", entity(e.itemId(), e.decision(), "Access review item", data)).put("comment", e.justification())
                        .message("review decision " + e.decision() + " on grant " + e.grantId()).key(e.key());
            }
            case ACCESS_REQUEST_DECIDED -> {
                AccessRequestDecided e = (AccessRequestDecided) payload;
                Map<String, Object> data = data("packageId", e.packageId(), "guestId", e.guestId(), "stage", e.stage(), "decision", e.decision(),
                        "state", e.state());
                yield Ocsf.of(Ocsf.ENTITY_UPDATE, Severity.INFORMATIONAL, ceId, code, log, time).actor(e.decidedBy()).correlation(e.requestId())
                        .set("entity", entity(e.requestId(), e.packageName(), "Access request", data)).put("comment", e.justification())
                        .message("access request " + e.decision() + " at stage " + e.stage() + ", now " + e.state()).key(e.key());
            }
            case POLICY_VIOLATION_DETECTED -> {
                PolicyViolationDetected e = (PolicyViolationDetected) payload;
                yield finding(Ocsf.FINDING_CREATE, Severity.MEDIUM, ceId, code, log, time, e.violationId(), e.policyName(), e.message(),
                        e.rule(), 3, "Fail", 1, "New").correlation(e.violationId())
                        .set("resources", guestAndGrant(e.guestId(), e.guestEmail(), e.grantId(), e.resourceName()))
                        .statusDetail(e.mode() + (e.enforcement() == null ? "" : ": " + e.enforcement())).key(e.key());
            }
            case POLICY_VIOLATION_RESOLVED -> {
                PolicyViolationResolved e = (PolicyViolationResolved) payload;
                yield finding(Ocsf.FINDING_CLOSE, Severity.INFORMATIONAL, ceId, code, log, time, e.violationId(), null, null, null, 1, "Pass", 4, "Resolved")
                        .correlation(e.violationId()).set("resources", guestAndGrant(e.guestId(), null, e.grantId(), null))
                        .statusDetail(e.resolution()).key(e.key());
            }
            case PARTNER_UPSERTED -> {
                PartnerUpserted e = (PartnerUpserted) payload;
                yield admin(ceId, code, log, time, e.changedBy(), entity(e.partnerId(), e.name(), "Partner", data("tenantId", e.tenantId(),
                        "domains", e.domains(), "state", e.state())), "partner " + e.name() + " is " + e.state()).key(e.key());
            }
            case RESOURCE_UPSERTED -> {
                ResourceUpserted e = (ResourceUpserted) payload;
                yield admin(ceId, code, log, time, e.actor(), entity(e.resourceId(), e.name(), "Resource", data("type", e.type(),
                        "sensitivity", e.sensitivity(), "scenarioId", e.scenarioId(), "owners", e.owners())), "resource " + e.name() + " saved").key(e.key());
            }
            case ACCESS_PACKAGE_CHANGED -> {
                AccessPackageChanged e = (AccessPackageChanged) payload;
                Activity activity = "CREATED".equals(e.change()) ? Ocsf.ENTITY_CREATE : Ocsf.ENTITY_UPDATE;
                yield Ocsf.of(activity, Severity.INFORMATIONAL, ceId, code, log, time).actor(e.changedBy())
                        .set("entity", entity(e.packageId(), e.name(), "Access package", data("version", e.version(), "scenarioId", e.scenarioId(),
                                "owners", e.owners(), "resources", e.resources())))
                        .message("access package " + e.name() + " " + e.change().toLowerCase(java.util.Locale.ROOT)).key(e.key());
            }
            case POLICY_ENFORCEMENT_HELD -> {
                PolicyEnforcementHeld e = (PolicyEnforcementHeld) payload;
                yield Ocsf.of(Ocsf.ENTITY_UPDATE, Severity.MEDIUM, ceId, code, log, time).actor(null).correlation(e.holdId())
                        .set("entity", entity(e.holdId(), e.policyName(), "Enforcement hold", data("policyId", e.policyId(),
                                "policyVersion", e.policyVersion(), "grantsInScope", e.grantsInScope(), "revocationsHeld", e.revocationsHeld())))
                        .message("enforcement of policy " + e.policyName() + " held: " + e.revocationsHeld() + " revocation(s) of "
                                + e.grantsInScope() + " grant(s) in scope await an admin").key(e.key());
            }
            case CAMPAIGN_STARTED -> {
                CampaignStarted e = (CampaignStarted) payload;
                yield Ocsf.of(Ocsf.ENTITY_CREATE, Severity.INFORMATIONAL, ceId, code, log, time).actor(e.startedBy()).correlation(e.campaignId())
                        .set("entity", entity(e.campaignId(), e.name(), "Access review campaign", data("items", e.itemCount(),
                                "reviewers", e.reviewerCount(), "endsAt", e.endsAt())))
                        .message("campaign " + e.name() + " started on " + e.itemCount() + " grant(s)").key(e.key());
            }
            case CAMPAIGN_COMPLETED -> {
                CampaignCompleted e = (CampaignCompleted) payload;
                yield admin(ceId, code, log, time, e.owner(), entity(e.campaignId(), e.name(), "Access review campaign", data("counts", e.counts(),
                        "autoApply", e.autoApply(), "applyHeld", e.applyHeld())), "campaign " + e.name() + " completed")
                        .correlation(e.campaignId()).key(e.key());
            }
            default -> null;
        });
    }

    /**
     * A partner's statement about one of its accounts, as received (RISC over SSF, the REST API or a connector's topic): one record
     * per guest it matched, keyed by that guest ({@code guestId} null when it matched none: then keyed by the partner's tenant, and
     * {@code outcome} says so).
     * {@code metadata.uid} and {@code correlation_uid} are the signal's id, the {@code causeId} of everything it caused.
     */
    public static OcsfRecord signalReceived(UUID signalId, String signalType, String homeTenantId, String homeSubject, String email,
            String receivedBy, String channel, String outcome, String guestId, Instant receivedAt) {
        Activity activity = switch (signalType) {
            case "ACCOUNT_DISABLED" -> Ocsf.ACCOUNT_DISABLE;
            case "ACCOUNT_ENABLED" -> Ocsf.ACCOUNT_ENABLE;
            case "ACCOUNT_PURGED" -> Ocsf.ACCOUNT_DELETE;
            default -> new Activity(Ocsf.EventClass.ACCOUNT_CHANGE, 99, "Credential Compromise");
        };
        ObjectNode user = Ocsf.object();
        if (guestId != null) {
            user.put("uid", guestId);
        }
        if (homeSubject != null) {
            user.put("uid_alt", homeSubject);
        }
        if (email != null) {
            user.put("email_addr", email);
        }
        user.put("name", email != null ? email : homeSubject != null ? homeSubject : guestId).put("type_id", 1).put("type", "User");
        user.putObject("org").put("uid", homeTenantId);
        // the CloudEvent type the same statement has on partner.signals, however it came
        String code = EventType.valueOf("PARTNER_" + signalType).ceType();
        return Ocsf.of(activity, "ACCOUNT_ENABLED".equals(signalType) ? Severity.INFORMATIONAL : "CREDENTIAL_COMPROMISED".equals(signalType)
                        ? Severity.HIGH : Severity.MEDIUM, signalId, code, "partner-signal:" + channel, receivedAt)
                .actor(receivedBy).correlation(signalId.toString()).user(user).statusDetail(outcome)
                .message("partner signal " + signalType + " from tenant " + homeTenantId + (guestId == null ? " names no guest" : " names guest " + guestId))
                .key(guestId != null ? guestId : homeTenantId);
    }

    /**
     * A Security Event Token our transmitter made for a receiver (in the transaction of the change it tells): {@code metadata.uid} is
     * its {@code jti}; keyed by the guest it is about.
     */
    public static OcsfRecord setSent(UUID jti, String eventTypeUri, String streamId, String audience, String guestId, String email, Instant madeAt) {
        ObjectNode entity = entity(jti.toString(), eventTypeUri, "Security Event Token", data("streamId", streamId, "audience", audience));
        entity.set("user", guest(guestId, email, null, null));
        return Ocsf.of(Ocsf.ENTITY_CREATE, Severity.INFORMATIONAL, jti, eventTypeUri, "ssf:transmitter", madeAt).actor(null)
                .set("entity", entity).message("SET " + eventTypeUri + " made for stream " + streamId).key(guestId);
    }

    /**
     * A policy's new version (created, changed, or deleted: a last version marked so), which no CloudEvent tells: Entity
     * Management of the policy (OCSF's managed entity type Policy), keyed by the policy. {@code recordId} is the record's own id.
     */
    public static OcsfRecord policyChanged(UUID recordId, String policyId, int version, String name, String mode, boolean deleted,
            String actor, Instant at) {
        Activity activity = deleted ? Ocsf.ENTITY_DELETE : version == 1 ? Ocsf.ENTITY_CREATE : Ocsf.ENTITY_UPDATE;
        ObjectNode entity = entity(policyId, name, "Policy", data("mode", mode)).put("type_id", 5).put("version", String.valueOf(version));
        return Ocsf.of(activity, Severity.INFORMATIONAL, recordId, "dev.portcullis.admin.policy-changed", "policy-service", at).actor(actor)
                .set("entity", entity).message("policy " + name + " version " + version + (deleted ? " deleted" : " in force, " + mode)).key(policyId);
    }

    /**
     * An entry of the policy information point's directory written or deleted (an application's users, records, actions):
     * Entity Management, keyed by {@code type/id}. The record names the attributes, not their values.
     */
    public static OcsfRecord directoryChanged(UUID recordId, String type, String id, List<String> attributes, boolean deleted, String actor,
            Instant at) {
        return adminChanged(recordId, "policy-service", deleted ? Change.DELETED : Change.UPDATED, "Directory entry: " + type,
                "directory-" + (deleted ? "deleted" : "written"), id, null, data("attributes", deleted ? null : attributes), actor, at,
                type + "/" + id);
    }

    /** What an administrator did to a thing. */
    public enum Change {
        CREATED(Ocsf.ENTITY_CREATE), UPDATED(Ocsf.ENTITY_UPDATE), DELETED(Ocsf.ENTITY_DELETE);

        final Activity activity;

        Change(Activity activity) {
            this.activity = activity;
        }
    }

    /**
     * An administrator's change that no CloudEvent tells (a scenario, a partner's transmitter, a webhook, a review definition, a
     * held enforcement decided, a dead letter or a parked event sent again): Entity Management of the thing, keyed by {@code key}.
     * {@code what} names the change in {@code metadata.event_code} ({@code dev.portcullis.admin.<what>}); {@code data} holds its
     * settings, never a secret. {@code recordId} is the record's own id.
     */
    public static OcsfRecord adminChanged(UUID recordId, String service, Change change, String entityType, String what, String id, String name,
            Map<String, ?> data, String actor, Instant at, String key) {
        String described = entityType.toLowerCase(java.util.Locale.ROOT) + " " + (name == null ? id : name) + " "
                + change.name().toLowerCase(java.util.Locale.ROOT);
        return Ocsf.of(change.activity, Severity.INFORMATIONAL, recordId, "dev.portcullis.admin." + what, service, at).actor(actor)
                .set("entity", entity(id, name, entityType, data)).message(described).key(key);
    }

    private static Ocsf admin(UUID ceId, String code, String log, Instant time, String actor, ObjectNode entity,
            String message) {
        return Ocsf.of(Ocsf.ENTITY_UPDATE, Severity.INFORMATIONAL, ceId, code, log, time).actor(actor).set("entity", entity).message(message);
    }

    private static Ocsf finding(Activity activity, Severity severity, UUID ceId, String code, String log, Instant time, String uid,
            String title, String desc, String control, int complianceStatus, String complianceStatusName, int findingStatus, String findingStatusName) {
        var info = Ocsf.object().put("uid", uid);
        if (title != null) {
            info.put("title", title);
        }
        if (desc != null) {
            info.put("desc", desc);
        }
        var compliance = Ocsf.object().put("status_id", complianceStatus).put("status", complianceStatusName);
        compliance.set("standards", strings(List.of("Portcullis governance policy")));
        if (control != null) {
            compliance.put("control", control);
        }
        return Ocsf.of(activity, severity, ceId, code, log, time).status(findingStatus, findingStatusName).set("finding_info", info)
                .set("compliance", compliance);
    }

    /** A finding's resources: the guest, and the grant when the finding is about one. */
    private static ArrayNode guestAndGrant(String guestId, String email, String grantId, String resourceName) {
        return grantId == null ? array(resource(guestId, email, "Guest", null))
                : array(resource(guestId, email, "Guest", null), resource(grantId, resourceName, "Grant", null));
    }

    /** Pairs of name and value, in order; a null value is left out. */
    private static Map<String, Object> data(Object... pairs) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                data.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return data;
    }
}
