package dev.portcullis.review.service;

import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.problem.RefusedByPolicyProblem;
import dev.portcullis.events.AccessRequestApproved;
import dev.portcullis.events.AccessRequestDecided;
import dev.portcullis.events.AccessRequestDelivered;
import dev.portcullis.events.AccessRequestRefused;
import dev.portcullis.events.AccessRequestSubmitted;
import dev.portcullis.events.ApprovalRequested;
import dev.portcullis.readmodel.GrantAdded;
import dev.portcullis.readmodel.KnownGuest;
import dev.portcullis.readmodel.KnownPartner;
import dev.portcullis.readmodel.KnownResource;
import dev.portcullis.review.service.PackageSpec.ApprovalStage;
import dev.portcullis.review.service.PackageSpec.OnDeadline;
import dev.portcullis.review.service.PackageSpec.Requesters;
import dev.portcullis.review.config.ReviewSettings;
import dev.portcullis.review.domain.AccessPackage;
import dev.portcullis.review.domain.AccessRequest;
import dev.portcullis.review.domain.AccessRequest.State;
import dev.portcullis.review.domain.StoredJson;
import io.quarkus.security.ForbiddenException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Access requests, from submission to approval: who may ask for a package (its request policy, against
 * review-service's own copy of guests and partners), who decides each stage, what happens at a stage's
 * deadline. Every step is one transaction under the request's row lock, and each is announced on
 * {@code review.requests} through the outbox in it: {@code access-request-submitted},
 * {@code approval-requested} (one per approver), {@code access-request-decided}, and for inventory-service
 * {@code access-request-approved}. Then inventory-service delivers it: DELIVERED once every grant is
 * seen on {@code inventory.access} ({@code access-request-delivered}), FAILED if it refuses.
 */
@ApplicationScoped
public class AccessRequests {

    private static final Logger LOG = Logger.getLogger(AccessRequests.class);
    /** Inventory gives a guest 1 to 5 sponsors. */
    private static final int MAX_SPONSORS = 5;
    /** Who decided what nobody decided. */
    private static final String PLATFORM = "portcullis";

    @Inject
    EntityManager em;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    StoredJson json;

    @Inject
    AccessPackages packages;

    @Inject
    ReviewSettings settings;

    /** Who is asking: their address, and whether they act as an admin, as a business owner (a sponsor) or as a partner's person. */
    public record Caller(String email, boolean admin, boolean owner) {
    }

    @Transactional
    public AccessRequest submit(RequestInput.Submission input, Caller caller) {
        Instant now = clock.instant();
        AccessPackage p = AccessPackage.findById(input.packageId());
        if (p == null) {
            throw new BadRequestProblem("packageId", "is no access package");
        }
        PackageSpec spec = packages.spec(p.spec);
        AccessRequestSubmitted.Requester requester = requesterOf(input, caller);
        String email = requester.email();
        Optional<KnownGuest> guest = KnownGuest.<KnownGuest>find("lower(email) = ?1 and state <> 'REMOVED'", email).firstResultOptional();
        List<String> sponsors = new ArrayList<>();
        if (guest.isPresent()) {
            if ("BLOCKED".equals(guest.get().state)) {
                throw refused(p, "requester", email + " is a blocked guest");
            }
            sponsors.addAll(guest.get().sponsors);
            if (!caller.admin() && !email.equals(caller.email()) && !sponsors.contains(caller.email())) {
                throw new ForbiddenException("only an admin or one of the guest's sponsors asks on a guest's behalf");
            }
        } else if (!email.equals(caller.email())) {
            sponsors.add(caller.email()); // a sponsor (or an admin) asking for a partner's person vouches for them
        }
        Optional<KnownPartner> partner = guest.map(g -> g.partnerId).flatMap(id -> KnownPartner.<KnownPartner>findByIdOptional(id))
                .or(() -> Optional.ofNullable(requester.homeTenantId()).flatMap(KnownPartner::byTenant))
                .or(() -> KnownPartner.byEmail(email));
        checkWho(p, spec, email, guest.isPresent(), partner);
        Map<String, String> answers = checkAnswers(spec, input.answers());
        if (AccessRequest.count("packageId = ?1 and requesterEmail = ?2 and state in ?3", p.id, email,
                List.of(State.PENDING_APPROVAL, State.APPROVED)) > 0) {
            throw new ConflictProblem(email + " has an open request for this package already");
        }
        if (guest.isPresent() && !spec.requestPolicy().extendable() && holdsEverything(guest.get().guestId, spec)) {
            throw new ConflictProblem(email + " holds this package already, and it is not extended by a new request");
        }

        AccessRequest r = new AccessRequest();
        r.id = Ids.next();
        r.packageId = p.id;
        r.packageVersion = p.version;
        r.packageName = p.name;
        r.requesterEmail = email;
        r.requester = json.write(requester);
        r.guestId = guest.map(g -> g.guestId).orElse(null);
        r.partnerId = partner.map(pa -> pa.partnerId).orElse(null);
        r.submittedBy = caller.email();
        r.justification = blankToNull(input.justification());
        r.answers = json.write(answers);
        r.sponsors = sponsors.stream().distinct().limit(MAX_SPONSORS).toArray(String[]::new);
        r.stages = spec.requestPolicy().approvalStages().size();
        r.state = State.PENDING_APPROVAL;
        r.approvers = new String[0];
        r.asked = new String[0];
        r.submittedAt = now;
        r.persist();
        outbox.publish(new AccessRequestSubmitted(r.id.toString(), p.id.toString(), r.packageVersion, r.packageName, requester,
                idOrNull(r.guestId), idOrNull(r.partnerId), r.submittedBy, r.justification, answers, List.of(r.sponsors),
                r.stages == 0 ? State.APPROVED.name() : State.PENDING_APPROVAL.name(), now));
        // ids in the log, never addresses: a removed guest's address must leave the logs too
        LOG.infof("access request=%s package=%s guest=%s submitted (%d stage(s))", r.id, p.id, r.guestId, r.stages);
        if (r.stages == 0) {
            approve(r, spec, PLATFORM, null, now);
        } else {
            startStage(r, spec, 1, now);
        }
        return r;
    }

    /** An approver's decision on the stage waiting for them; anyone else (an admin too) meets a 404, as if the request did not exist. */
    @Transactional
    public AccessRequest decide(UUID id, RequestInput.Decision input, String approver) {
        AccessRequest r = em.find(AccessRequest.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (r == null || !r.isApprover(approver)) {
            throw new NotFoundProblem("access request waiting for your decision", id);
        }
        PackageSpec spec = specOf(r);
        ApprovalStage stage = spec.requestPolicy().approvalStages().get(r.stage - 1);
        String justification = blankToNull(input.justification());
        if (stage.justificationRequired() && justification == null) {
            throw new BadRequestProblem("justification", "is required: this stage asks its approvers to say why");
        }
        Instant now = clock.instant();
        recordDecision(r, input.decision().name(), approver, justification, now);
        if (input.decision() == RequestInput.Verdict.DENY) {
            end(r, State.DENIED, "DENY", approver, justification, justification != null ? justification : "denied by " + approver, now);
        } else if (r.stage < r.stages) {
            publishDecided(r, "APPROVE", approver, justification, now);
            startStage(r, spec, r.stage + 1, now);
        } else {
            approve(r, spec, approver, justification, now);
        }
        return r;
    }

    /**
     * The packages {@code email} may request for themselves (the partner's request page), by each package's rule of who
     * may, judged from the read model as a submission would be; at most {@code limit}, by name.
     */
    public List<AccessPackage> requestableBy(String email, int limit) {
        Optional<KnownGuest> guest = KnownGuest.<KnownGuest>find("lower(email) = ?1 and state <> 'REMOVED'", email).firstResultOptional();
        if (guest.filter(g -> "BLOCKED".equals(g.state)).isPresent()) {
            return List.of();
        }
        Optional<KnownPartner> partner = guest.map(g -> g.partnerId).flatMap(id -> KnownPartner.<KnownPartner>findByIdOptional(id))
                .or(() -> KnownPartner.byEmail(email));
        List<AccessPackage> open = new ArrayList<>();
        for (AccessPackage p : AccessPackage.<AccessPackage>find("order by name, id").page(0, limit).list()) {
            try {
                checkWho(p, packages.spec(p.spec), email, guest.isPresent(), partner);
                open.add(p);
            } catch (RefusedByPolicyProblem notForThem) {
                // another partner's package, or one for guests only: not shown
            }
        }
        return open;
    }

    /** The requester (or whoever submitted it) withdraws a request still waiting for approval. */
    @Transactional
    public AccessRequest cancel(UUID id, String email) {
        AccessRequest r = em.find(AccessRequest.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (r == null || !(r.requesterEmail.equals(email) || r.submittedBy.equals(email))) {
            throw new NotFoundProblem("access request", id);
        }
        if (r.state != State.PENDING_APPROVAL) {
            throw new ConflictProblem("the request is " + r.state + ": only a request waiting for approval is cancelled");
        }
        end(r, State.CANCELLED, "CANCEL", email, null, "cancelled by " + email, clock.instant());
        return r;
    }

    /**
     * A stage past its deadline without a decision: under ESCALATE (once per stage) its fallback approvers
     * are asked too, with a fresh deadline; otherwise, or after the escalation's deadline, the request expires.
     * Re-checked under the row lock, so two instances do it once. Returns whether anything changed.
     */
    @Transactional
    public boolean timeOutIfDue(UUID id, Instant now) {
        AccessRequest r = em.find(AccessRequest.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (r == null || r.state != State.PENDING_APPROVAL || r.stageEndsAt == null || r.stageEndsAt.isAfter(now)) {
            return false;
        }
        PackageSpec spec = specOf(r);
        ApprovalStage stage = spec.requestPolicy().approvalStages().get(r.stage - 1);
        if (spec.requestPolicy().onDeadline() == OnDeadline.ESCALATE && !r.escalated) {
            Set<String> fallback = without(stage.fallbackApprovers(), r.requesterEmail);
            Set<String> added = new LinkedHashSet<>(fallback);
            added.removeAll(List.of(r.approvers));
            Set<String> approvers = new LinkedHashSet<>(List.of(r.approvers));
            approvers.addAll(fallback);
            r.escalated = true;
            r.stageEndsAt = now.plus(Duration.ofDays(stage.deadlineDays()));
            setApprovers(r, approvers);
            added.forEach(approver -> publishApprovalRequested(r, spec, approver, now));
            LOG.infof("access request=%s stage %d escalated to %d fallback approver(s)", r.id, r.stage, added.size());
            return true;
        }
        end(r, State.EXPIRED, "EXPIRE", PLATFORM, null, "nobody decided stage " + r.stage + " before its deadline", now);
        return true;
    }

    /**
     * A grant inventory made for an approved request (the read model just applied its access-granted, in
     * this transaction): once the package's every resource has one, the request is DELIVERED, and
     * {@code access-request-delivered} says so.
     */
    void onGrant(@Observes GrantAdded grant) {
        if (grant.requestId() == null) {
            return;
        }
        AccessRequest r = em.find(AccessRequest.class, UUID.fromString(grant.requestId()), LockModeType.PESSIMISTIC_WRITE);
        if (r == null || r.state != State.APPROVED) {
            LOG.warnf("grant=%s names access request=%s, which is %s: nothing to deliver", grant.grantId(), grant.requestId(),
                    r == null ? "unknown here" : r.state);
            return;
        }
        em.createNativeQuery("insert into access_request_delivery (request_id, resource_id, grant_id) values (?1, ?2, ?3) on conflict do nothing")
                .setParameter(1, r.id).setParameter(2, grant.resourceId()).setParameter(3, grant.grantId()).executeUpdate();
        @SuppressWarnings("unchecked")
        List<UUID> grantIds = em.createNativeQuery("select grant_id from access_request_delivery where request_id = ?1 order by grant_id", UUID.class)
                .setParameter(1, r.id).getResultList();
        if (grantIds.size() < specOf(r).resources().size()) {
            return;
        }
        Instant now = clock.instant();
        r.state = State.DELIVERED;
        r.deliveredAt = now;
        r.guestId = grant.guestId();
        outbox.publish(new AccessRequestDelivered(r.id.toString(), r.packageId.toString(), r.requesterEmail, r.guestId.toString(),
                grantIds.stream().map(UUID::toString).toList(), r.expiresAt, now));
        LOG.infof("access request=%s delivered: %d grant(s) to guest=%s", r.id, grantIds.size(), r.guestId);
    }

    /** inventory-service could not deliver an approved request (the policies refused, or the guest is blocked): it FAILED, with the reason. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void refused(AccessRequestRefused refusal) {
        AccessRequest r = em.find(AccessRequest.class, UUID.fromString(refusal.requestId()), LockModeType.PESSIMISTIC_WRITE);
        if (r == null || r.state != State.APPROVED) {
            LOG.warnf("refusal of access request=%s, which is %s: nothing to do", refusal.requestId(), r == null ? "unknown here" : r.state);
            return;
        }
        r.state = State.FAILED;
        r.reason = refusal.message();
        r.decidedAt = clock.instant();
        publishDecided(r, "FAIL", "inventory-service", refusal.message(), r.decidedAt); // the why, for the requester's message
        LOG.infof("access request=%s FAILED: %s", r.id, refusal.message());
    }

    public PackageSpec specOf(AccessRequest r) {
        String stored = (String) em.createNativeQuery("select cast(spec as text) from access_package_version where package_id = ?1 and version = ?2")
                .setParameter(1, r.packageId).setParameter(2, r.packageVersion).getSingleResult();
        return packages.spec(stored);
    }

    public AccessRequestSubmitted.Requester requesterOf(AccessRequest r) {
        return json.read(r.requester, AccessRequestSubmitted.Requester.class, "access request's requester");
    }

    @SuppressWarnings("unchecked")
    public Map<String, String> answersOf(AccessRequest r) {
        return json.read(r.answers, Map.class, "access request's answers");
    }

    /** One stage's decision of a request. */
    public record StageDecision(int stage, String decision, String decidedBy, String justification, Instant decidedAt) {
    }

    /** Each request's decisions so far, stage by stage, in one query; a request nobody decided yet is absent. */
    @SuppressWarnings("unchecked")
    public Map<UUID, List<StageDecision>> decisionsOf(List<UUID> ids) {
        Map<UUID, List<StageDecision>> decisions = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return decisions;
        }
        List<Object[]> rows = em.createNativeQuery("select request_id, stage, decision, decided_by, justification, decided_at"
                + " from access_request_decision where request_id in (:ids) order by request_id, stage").setParameter("ids", ids).getResultList();
        for (Object[] row : rows) {
            decisions.computeIfAbsent((UUID) row[0], id -> new ArrayList<>()).add(new StageDecision(((Number) row[1]).intValue(),
                    (String) row[2], (String) row[3], (String) row[4], (Instant) row[5]));
        }
        return decisions;
    }

    private AccessRequestSubmitted.Requester requesterOf(RequestInput.Submission input, Caller caller) {
        RequestInput.Requester given = input.requester();
        if (!caller.admin() && !caller.owner()) {
            // a partner's person asks for themselves, and only for themselves
            if (given != null && !given.email().equalsIgnoreCase(caller.email())) {
                throw new ForbiddenException("a partner's person requests access for themselves only");
            }
            return new AccessRequestSubmitted.Requester(caller.email(), given == null ? null : given.homeTenantId(),
                    given == null ? null : given.homeSubject(), given == null ? null : given.displayName());
        }
        if (given == null) {
            throw new BadRequestProblem("requester", "is required when a sponsor or an admin asks on a partner's person's behalf");
        }
        return new AccessRequestSubmitted.Requester(given.email().toLowerCase(Locale.ROOT), given.homeTenantId(), given.homeSubject(),
                given.displayName());
    }

    /** The package's rule of who may request: named partners, connected partners (and, where allowed, organizations not connected yet), or existing guests. */
    private void checkWho(AccessPackage p, PackageSpec spec, String email, boolean isGuest, Optional<KnownPartner> partner) {
        PackageSpec.Who who = spec.requestPolicy().who();
        if (partner.filter(pa -> "BLOCKED".equals(pa.state)).isPresent()) {
            throw refused(p, "requester", email + " belongs to " + partner.get().name + ", a blocked partner");
        }
        if (who.type() == Requesters.EXISTING_GUESTS && !isGuest) {
            throw refused(p, "requester", "only existing guests may request this package, and " + email + " is none");
        }
        if (who.type() == Requesters.NAMED_PARTNERS && partner.map(pa -> !who.partnerIds().contains(pa.partnerId)).orElse(true)) {
            throw refused(p, "requester", "only the people of the package's partners may request it, and " + email + " is of "
                    + partner.map(pa -> pa.name).orElse("no partner known here"));
        }
        boolean connected = partner.filter(pa -> "CONNECTED".equals(pa.state)).isPresent();
        if (!connected && !who.allowProposedPartners() && who.type() != Requesters.NAMED_PARTNERS) {
            throw refused(p, "requester", email + (partner.isPresent() ? " is of " + partner.get().name + ", a partner not connected yet ("
                    + partner.get().state + ")" : " is of an organization unknown here") + ", and the package takes requests from connected partners only");
        }
    }

    private Map<String, String> checkAnswers(PackageSpec spec, Map<String, String> given) {
        Map<String, String> answers = new LinkedHashMap<>();
        Set<String> asked = new LinkedHashSet<>();
        for (PackageSpec.Question q : spec.requestPolicy().questions()) {
            asked.add(q.id());
            String answer = given.get(q.id());
            if (answer == null || answer.isBlank()) {
                if (q.required()) {
                    throw new BadRequestProblem("answers." + q.id(), "is required: " + q.text());
                }
            } else {
                answers.put(q.id(), answer.strip());
            }
        }
        for (String key : given.keySet()) {
            if (!asked.contains(key)) {
                throw new BadRequestProblem("answers." + key, "is no question of this package");
            }
        }
        return answers;
    }

    private boolean holdsEverything(UUID guestId, PackageSpec spec) {
        for (PackageSpec.PackageResource resource : spec.resources()) {
            Number held = (Number) em.createNativeQuery("select count(*) from rm_grant where guest_id = ?1 and resource_id = ?2 and role = ?3"
                    + " and state = 'ACTIVE'").setParameter(1, guestId).setParameter(2, resource.resourceId()).setParameter(3, resource.role())
                    .getSingleResult();
            if (held.longValue() == 0) {
                return false;
            }
        }
        return true;
    }

    /** Starts stage {@code number}: resolves its approvers now (never the requester), and asks each of them. */
    private void startStage(AccessRequest r, PackageSpec spec, int number, Instant now) {
        ApprovalStage stage = spec.requestPolicy().approvalStages().get(number - 1);
        Set<String> approvers = without(switch (stage.approvers()) {
            case RESOURCE_OWNERS -> resourceOwners(spec);
            case SPONSORS -> List.of(r.sponsors);
            case PACKAGE_OWNERS -> spec.owners();
            case NAMED -> stage.namedApprovers();
        }, r.requesterEmail);
        if (approvers.isEmpty()) {
            approvers = without(stage.fallbackApprovers(), r.requesterEmail);
        }
        r.stage = number;
        r.escalated = false;
        if (approvers.isEmpty()) {
            end(r, State.DENIED, "DENY", PLATFORM, null, "stage " + number + " has no approver but the requester", now);
            return;
        }
        r.stageEndsAt = now.plus(Duration.ofDays(stage.deadlineDays()));
        setApprovers(r, approvers);
        for (String approver : approvers) {
            publishApprovalRequested(r, spec, approver, now);
        }
        LOG.infof("access request=%s stage %d of %d: %d approver(s)", r.id, number, r.stages, approvers.size());
    }

    /** Every stage approved (or none needed): the access's end is fixed, and inventory-service is told to deliver it. */
    private void approve(AccessRequest r, PackageSpec spec, String approver, String justification, Instant now) {
        PackageSpec.RequestPolicy policy = spec.requestPolicy();
        // to the second: the same instant wherever it is stored (each database keeps microseconds, a clock may give nanoseconds)
        r.expiresAt = policy.until() != null ? policy.until() : now.plus(Duration.ofDays(policy.lifetimeDays())).truncatedTo(ChronoUnit.SECONDS);
        if (r.sponsors.length == 0) {
            // a new guest needs a sponsor: whoever approved last vouches for them (without approval, the package's owners)
            r.sponsors = (PLATFORM.equals(approver) ? spec.owners().stream().limit(MAX_SPONSORS).toList() : List.of(approver)).toArray(String[]::new);
        }
        r.state = State.APPROVED;
        r.decidedAt = now;
        r.stageEndsAt = null;
        setApprovers(r, Set.of());
        publishDecided(r, "APPROVE", approver, justification, now);
        outbox.publish(new AccessRequestApproved(r.id.toString(), r.packageId.toString(), r.packageName, requesterOf(r), idOrNull(r.guestId),
                idOrNull(r.partnerId), List.of(r.sponsors), spec.resources().stream().map(AccessPackages::event).toList(), r.expiresAt, approver,
                now, approversOf(r.id)));
        LOG.infof("access request=%s approved, access until %s", r.id, r.expiresAt);
    }

    /** Who approved the request, stage by stage (its decisions are recorded before the approval). */
    @SuppressWarnings("unchecked")
    private List<String> approversOf(UUID requestId) {
        return em.createNativeQuery("select decided_by from access_request_decision where request_id = ?1 and decision = 'APPROVE' order by stage")
                .setParameter(1, requestId).getResultList();
    }

    private void end(AccessRequest r, State state, String decision, String by, String justification, String reason, Instant now) {
        r.state = state;
        r.reason = reason;
        r.decidedAt = now;
        r.stageEndsAt = null;
        setApprovers(r, Set.of());
        publishDecided(r, decision, by, justification, now);
        LOG.infof("access request=%s %s by %s: %s", r.id, state, by, reason);
    }

    private void recordDecision(AccessRequest r, String decision, String by, String justification, Instant now) {
        em.createNativeQuery("insert into access_request_decision (request_id, stage, decision, decided_by, justification, decided_at)"
                + " values (?1, ?2, ?3, ?4, ?5, ?6)").setParameter(1, r.id).setParameter(2, r.stage).setParameter(3, decision)
                .setParameter(4, by).setParameter(5, justification).setParameter(6, now).executeUpdate();
    }

    private void publishDecided(AccessRequest r, String decision, String by, String justification, Instant now) {
        outbox.publish(new AccessRequestDecided(r.id.toString(), r.packageId.toString(), r.packageName, r.requesterEmail, idOrNull(r.guestId),
                List.of(r.sponsors), r.stage, decision, by, justification, r.state.name(), r.state == State.APPROVED ? r.expiresAt : null, now));
    }

    private void publishApprovalRequested(AccessRequest r, PackageSpec spec, String approver, Instant now) {
        ApprovalStage stage = spec.requestPolicy().approvalStages().get(r.stage - 1);
        outbox.publish(new ApprovalRequested(r.id.toString(), r.packageId.toString(), r.packageName, r.requesterEmail, idOrNull(r.guestId),
                approver, r.stage, r.stages, r.escalated, stage.justificationRequired(), r.stageEndsAt, link(r), now));
    }

    private void setApprovers(AccessRequest r, Set<String> approvers) {
        r.approvers = approvers.toArray(String[]::new);
        Set<String> asked = new LinkedHashSet<>(List.of(r.asked));
        asked.addAll(approvers);
        r.asked = asked.toArray(String[]::new);
    }

    private List<String> resourceOwners(PackageSpec spec) {
        List<String> owners = new ArrayList<>();
        for (PackageSpec.PackageResource resource : spec.resources()) {
            KnownResource known = KnownResource.findById(resource.resourceId());
            if (known != null) {
                owners.addAll(known.owners);
            }
        }
        return owners;
    }

    private String link(AccessRequest r) {
        return settings.pageUrl() + "?request=" + r.id;
    }

    private static Set<String> without(List<String> emails, String requester) {
        Set<String> out = new LinkedHashSet<>();
        emails.forEach(e -> out.add(e.toLowerCase(Locale.ROOT)));
        out.remove(requester); // nobody approves their own request
        return out;
    }

    private static RefusedByPolicyProblem refused(AccessPackage p, String field, String message) {
        return new RefusedByPolicyProblem("the package's request policy refuses this request: " + message,
                List.of(Map.of("packageId", p.id.toString(), "version", p.version, "field", field, "message", message)));
    }

    private static String idOrNull(UUID id) {
        return id == null ? null : id.toString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
