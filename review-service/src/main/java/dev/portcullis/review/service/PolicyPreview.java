package dev.portcullis.review.service;

import dev.portcullis.backbone.policy.PackageDelivery;
import dev.portcullis.backbone.policy.PolicyDecisionPoint;
import dev.portcullis.backbone.problem.UnavailableProblem;
import dev.portcullis.readmodel.KnownPartner;
import dev.portcullis.review.domain.AccessRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * What the policies would say, now, of the delivery an approver's approval would lead to: the questions
 * inventory-service asks at delivery (an {@code invite} for a newcomer, a {@code grant} per resource), with
 * the same authority ({@link PackageDelivery}: each resource's offerer, the chain's approvers with this
 * one), asked ahead for the approver's eyes, for every request on a page in one AuthZEN batch. A denial means
 * delivery would fail; a maximum duration shortens the access; a report-only policy's finding is shown
 * as such. It decides nothing: delivery asks again, with the policies of that moment.
 */
@ApplicationScoped
public class PolicyPreview {

    /** At most this many questions per batch (a page of requests may need several). */
    private static final int BATCH = 200;

    @Inject
    PolicyDecisionPoint pdp;

    @Inject
    Clock clock;

    /** One line for the approver: {@code kind} DENY (delivery would be refused), LIMIT (an obligation), FINDING (report-only), UNKNOWN. */
    public record Note(String kind, String message) {
    }

    /** For each request, its notes (none where the policies have nothing to say); nothing at all when policy checks are off. */
    /**
     * {@code approvers}: a request's approvers should this approver approve it now (the chain so far, then this one); delivery
     * weighs an owners'-approval obligation against them.
     */
    public Map<UUID, List<Note>> of(List<AccessRequest> requests, Function<AccessRequest, PackageSpec> specs, Map<UUID, String> resourceNames,
            Function<AccessRequest, List<String>> approvers, String approver) {
        Map<UUID, List<Note>> notes = new LinkedHashMap<>();
        if (!pdp.enabled() || requests.isEmpty()) {
            return notes;
        }
        Instant now = clock.instant();
        List<UUID> askedFor = new ArrayList<>();
        List<String> resourceOf = new ArrayList<>();
        List<Instant> endOf = new ArrayList<>();
        List<List<String>> approversOf = new ArrayList<>();
        List<Map<String, Object>> evaluations = new ArrayList<>();
        for (AccessRequest r : requests) {
            notes.put(r.id, new ArrayList<>());
            PackageSpec spec = specs.apply(r);
            Instant ends = spec.requestPolicy().lifetimeDays() != null ? now.plus(Duration.ofDays(spec.requestPolicy().lifetimeDays()))
                    : spec.requestPolicy().until();
            Map<String, Object> subject = subject(r);
            List<String> chain = approvers.apply(r);
            for (int i = 0; i < spec.resources().size(); i++) {
                PackageSpec.PackageResource res = spec.resources().get(i);
                askedFor.add(r.id);
                resourceOf.add(resourceNames.getOrDefault(res.resourceId(), res.resourceId().toString()));
                endOf.add(ends);
                approversOf.add(chain);
                evaluations.add(Map.of("subject", subject, "action", Map.of("name", "grant"), "resource", target(res),
                        "context", Map.of("requester", requester(r, res, approver, chain), "expiresAt", ends.toString())));
            }
            if (r.guestId == null) {
                // a newcomer is invited too, to the package's first resource (after the grants: what both would say is told once, as the grant's)
                PackageSpec.PackageResource first = spec.resources().get(0);
                askedFor.add(r.id);
                resourceOf.add(resourceNames.getOrDefault(first.resourceId(), first.resourceId().toString()) + " (the invitation)");
                endOf.add(null);
                approversOf.add(chain);
                evaluations.add(Map.of("subject", subject, "action", Map.of("name", "invite"), "resource", target(first),
                        "context", Map.of("requester", requester(r, first, approver, chain))));
            }
        }
        for (int from = 0; from < evaluations.size(); from += BATCH) {
            int to = Math.min(evaluations.size(), from + BATCH);
            List<PolicyDecisionPoint.Answer> answers;
            try {
                answers = pdp.decideAll(Map.of("evaluations", evaluations.subList(from, to)));
            } catch (UnavailableProblem e) {
                for (int i = from; i < to; i++) {
                    unknown(notes.get(askedFor.get(i)));
                }
                continue;
            }
            for (int i = from; i < to && i - from < answers.size(); i++) {
                describe(answers.get(i - from), resourceOf.get(i), endOf.get(i), approversOf.get(i), notes.get(askedFor.get(i)));
            }
        }
        return notes;
    }

    private static Map<String, Object> target(PackageSpec.PackageResource res) {
        return Map.of("type", "resource", "id", res.resourceId().toString());
    }

    private static Map<String, Object> requester(AccessRequest r, PackageSpec.PackageResource res, String approver, List<String> chain) {
        return PackageDelivery.requester(r.packageId.toString(), AccessPackages.event(res), approver, chain);
    }

    /** The requester as delivery would name them: the guest, or a newcomer by address with their organization and sponsors. */
    private static Map<String, Object> subject(AccessRequest r) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("email", r.requesterEmail);
        KnownPartner partner = r.partnerId == null ? null : KnownPartner.findById(r.partnerId);
        if (partner != null) {
            properties.put("partnerId", partner.partnerId.toString());
            properties.put("partnerState", partner.state);
        } else {
            properties.put("partnerState", "PROPOSED"); // an organization nobody configured is proposed with its first guest
        }
        if (r.guestId == null) {
            properties.put("sponsors", List.of(r.sponsors));
        }
        return Map.of("type", "guest", "id", r.guestId != null ? r.guestId.toString() : r.requesterEmail, "properties", properties);
    }

    private static void describe(PolicyDecisionPoint.Answer answer, String resource, Instant ends, List<String> approvers, List<Note> notes) {
        for (Map<String, Object> reason : answer.reasons()) {
            add(notes, "DENY", resource, reason.get("message") + named(reason) + " — delivery would be refused");
        }
        if (answer.allowed()) {
            for (Map<String, Object> obligation : PackageDelivery.unmet(answer.obligations(), approvers)) {
                add(notes, "DENY", resource, PackageDelivery.explain(obligation) + " — delivery would be refused");
            }
        }
        for (Map<String, Object> obligation : answer.obligations()) {
            if ("expiresAt".equals(obligation.get("type")) && obligation.get("notAfter") instanceof String notAfter && ends != null
                    && Instant.parse(notAfter).isBefore(ends)) {
                add(notes, "LIMIT", resource, "access would end by " + notAfter.substring(0, 10) + ", not " + ends.toString().substring(0, 10)
                        + " (at most " + obligation.get("maxDuration") + ")");
            }
        }
        for (Map<String, Object> finding : answer.findings()) {
            add(notes, "FINDING", resource, "report-only" + named(finding) + ": " + finding.get("message"));
        }
    }

    /** A note, unless the request has it already for the same resource (an invitation and a grant may say the same). */
    private static void add(List<Note> notes, String kind, String resource, String what) {
        String base = resource.endsWith(" (the invitation)") ? resource.substring(0, resource.length() - " (the invitation)".length()) : resource;
        if (notes.stream().noneMatch(n -> n.kind().equals(kind) && n.message().equals(base + ": " + what))) {
            notes.add(new Note(kind, resource + ": " + what));
        }
    }

    private static String named(Map<String, Object> reason) {
        return reason.get("policy") != null ? " (policy " + reason.get("policy") + ")" : "";
    }

    private static void unknown(List<Note> notes) {
        if (notes.stream().noneMatch(n -> n.kind().equals("UNKNOWN"))) {
            notes.add(new Note("UNKNOWN", "policy-service did not answer in time; the policies are checked again at delivery"));
        }
    }
}
