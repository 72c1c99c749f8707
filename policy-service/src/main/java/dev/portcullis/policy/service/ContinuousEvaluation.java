package dev.portcullis.policy.service;

import dev.portcullis.events.ocsf.OcsfMapping.Change;
import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.work.AfterCommit;
import dev.portcullis.backbone.work.BackgroundWorker;
import dev.portcullis.backbone.work.SinglePass;
import dev.portcullis.backbone.work.PerTransaction;
import dev.portcullis.events.AccessRevocationRequested;
import dev.portcullis.events.PolicyEnforcementHeld;
import dev.portcullis.events.PolicyViolationDetected;
import dev.portcullis.events.PolicyViolationResolved;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.policy.config.PolicySettings;
import dev.portcullis.policy.domain.EnforcementHold;
import dev.portcullis.policy.domain.Policy.Mode;
import dev.portcullis.policy.domain.PolicyRule;
import dev.portcullis.policy.domain.Violation;
import dev.portcullis.policy.domain.Violation.Enforcement;
import dev.portcullis.policy.domain.Violation.Resolution;
import dev.portcullis.policy.engine.CompiledPolicy;
import dev.portcullis.policy.engine.RuleOutcome;
import dev.portcullis.readmodel.KnownGrant;
import dev.portcullis.readmodel.KnownGuest;
import dev.portcullis.readmodel.KnownResource;
import dev.portcullis.readmodel.ReadModelChanged;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hibernate.query.NativeQuery;
import org.jboss.logging.Logger;

/**
 * Re-checks the access that exists whenever the policies or the facts change. A change queues what it
 * affects ({@code evaluation_task}: a guest, a resource, a policy) in its own transaction; a pass takes
 * a batch of tasks, evaluates the affected grants against the policies in force and reporting, and in
 * one transaction opens and resolves violations, requests the revocations of enforced ones (or holds
 * them when a policy change would revoke too much at once) and writes every event through the outbox.
 * <p>
 * Passes of all instances are serialized by a transaction-scoped advisory lock: the violations of a
 * grant are only ever reconciled by one pass at a time, and a pass killed halfway leaves its tasks for
 * the next one.
 */
@ApplicationScoped
public class ContinuousEvaluation {

    private static final Logger LOG = Logger.getLogger(ContinuousEvaluation.class);

    /** The single pass of evaluations and hold decisions. */
    private static final String PASS = "policy:continuous-evaluation";
    private static final int BATCH = 500;
    /**
     * A wake-up waits this long before its pass: a signal's events reach the read model in a transaction per topic (the guest's
     * block, its grants' revocations), each queueing the guest; one pass then evaluates the guest once, not once per transaction.
     */
    static final Duration GATHER = Duration.ofMillis(50);
    /** The transaction's resource that holds the tasks it has queued. */
    private static final String QUEUED = "policy:evaluation-tasks-queued";
    static final String EVALUATOR = "policy-service";

    enum Kind { GUEST, RESOURCE, POLICY }

    @Inject
    dev.portcullis.backbone.outbox.AdminChanges adminChanges;

    @Inject
    EntityManager em;

    @Inject
    SinglePass singlePass;

    @Inject
    PolicyStore store;

    @Inject
    GrantEvaluation grants;

    @Inject
    Outbox outbox;

    @Inject
    AfterCommit afterCommit;

    @Inject
    TransactionSynchronizationRegistry registry;

    @Inject
    Clock clock;

    @Inject
    PolicySettings settings;

    private BackgroundWorker worker;

    void start(@Observes StartupEvent event) {
        worker = new BackgroundWorker("policy-evaluation", this::pass, settings.enforcement().poll(), Duration.ofSeconds(10), GATHER);
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.stop();
        }
    }

    /** The read model changed a guest or a resource: queue its grants' re-evaluation in the same transaction. */
    void onReadModelChanged(@Observes ReadModelChanged change) {
        enqueue(change.kind() == ReadModelChanged.Kind.GUEST ? Kind.GUEST : Kind.RESOURCE, change.id());
    }

    /** A policy changed (created, updated, deleted): queue its evaluation against every grant, in the transaction of the change. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void policyChanged(UUID policyId) {
        enqueue(Kind.POLICY, policyId);
    }

    /**
     * Queues the task once per transaction: a guest's twenty revocations in one batch re-evaluate the guest once. The insert touches
     * no entity's table, so it flushes nothing first (a profile found each one walking the whole batch's session: docs/benchmarks.md).
     */
    private void enqueue(Kind kind, UUID target) {
        if (!PerTransaction.value(registry, QUEUED, HashSet<String>::new).add(kind + ":" + target)) {
            return;
        }
        em.createNativeQuery("insert into evaluation_task (kind, target) values (:kind, :target)").setFlushMode(FlushModeType.COMMIT)
                .unwrap(NativeQuery.class).addSynchronizedQuerySpace("evaluation_task")
                .setParameter("kind", kind.name()).setParameter("target", target).executeUpdate();
        afterCommit.runOnce(ContinuousEvaluation.class, () -> {
            if (worker != null) {
                worker.wake();
            }
        });
    }

    /** One pass: a batch of tasks, evaluated and reconciled in one transaction. Returns whether more tasks wait. */
    boolean pass() {
        return QuarkusTransaction.requiringNew().timeout(900).call(() -> {
            if (!singlePass.tryTake(PASS)) {
                return false;
            }
            @SuppressWarnings("unchecked")
            List<Object[]> taken = em.createNativeQuery("with taken as (delete from evaluation_task where id in"
                    + " (select id from evaluation_task order by id limit :n for update skip locked) returning kind, target)"
                    + " select kind, target from taken").setParameter("n", BATCH).getResultList();
            if (taken.isEmpty()) {
                return false;
            }
            // the tasks' policy changes are committed: whatever this instance loaded before, load them now
            store.reloadIfChanged();
            Set<UUID> policies = new HashSet<>();
            Set<UUID> guests = new HashSet<>();
            Set<UUID> resources = new HashSet<>();
            for (Object[] task : taken) {
                UUID target = (UUID) task[1];
                switch (Kind.valueOf((String) task[0])) {
                    case POLICY -> policies.add(target);
                    case GUEST -> guests.add(target);
                    case RESOURCE -> resources.add(target);
                }
            }
            long started = System.nanoTime();
            for (UUID policy : policies) {
                evaluatePolicy(policy);
            }
            if (!guests.isEmpty()) {
                evaluateSelection(GrantEvaluation.Selection.ofGuests(guests), "guestId", guests);
            }
            if (!resources.isEmpty()) {
                evaluateSelection(GrantEvaluation.Selection.ofResources(resources), "resourceId", resources);
            }
            LOG.debugf("evaluated %d policies, %d guests, %d resources in %d ms", policies.size(), guests.size(), resources.size(),
                    (System.nanoTime() - started) / 1_000_000);
            return taken.size() == BATCH;
        });
    }

    /** The policies a grant that exists is checked against: in force or reporting, and about facts the read model has. */
    private List<CompiledPolicy> evaluated() {
        // the read model does not know partners' states: a PARTNER_STATE policy decides invites and grants, and is not held against existing access
        return store.engine().policies().stream().filter(p -> p.rule().type() != PolicyRule.Type.PARTNER_STATE).toList();
    }

    private CompiledPolicy evaluatedPolicy(UUID id) {
        return evaluated().stream().filter(p -> p.id().equals(id)).findFirst().orElse(null);
    }

    private record Hit(CompiledPolicy policy, UUID grantId, UUID guestId, UUID resourceId, String message) {
    }

    private record Pair(UUID policyId, UUID grantId) {
    }

    /** One policy changed: every active grant against it. A pending hold of its previous version is superseded. */
    private void evaluatePolicy(UUID policyId) {
        em.createQuery("update EnforcementHold h set h.state = :superseded where h.policyId = :policy and h.state = :pending")
                .setParameter("superseded", EnforcementHold.State.SUPERSEDED).setParameter("policy", policyId)
                .setParameter("pending", EnforcementHold.State.PENDING).executeUpdate();
        CompiledPolicy policy = evaluatedPolicy(policyId);
        List<Hit> hits = new ArrayList<>();
        long[] inScope = {0};
        if (policy != null) {
            grants.forEachActiveGrant(GrantEvaluation.Selection.ALL, (grant, facts) -> {
                if (policy.inScope(facts)) {
                    inScope[0]++;
                    RuleOutcome outcome = policy.evaluate(facts);
                    if (outcome.denies()) {
                        hits.add(new Hit(policy, grant.grantId, grant.guestId, grant.resourceId, outcome.denial()));
                    }
                }
            });
        }
        List<Violation> open = Violation.list("policyId = ?1 and state = ?2", policyId, Violation.State.OPEN);
        Reconciled reconciled = reconcile(hits, open, true);
        List<Violation> toEnforce = reconciled.toEnforce();
        long count = toEnforce.size();
        if (count > 0 && count >= settings.enforcement().holdMinGrants() && count > settings.enforcement().holdShare() * inScope[0]) {
            hold(policy, inScope[0], toEnforce);
        } else {
            toEnforce.forEach(v -> requestRevocation(v, EVALUATOR));
        }
        publishDetected(reconciled.opened());
    }

    /** Some guests' or resources' facts changed: their active grants against every policy. */
    private void evaluateSelection(GrantEvaluation.Selection selection, String field, Set<UUID> ids) {
        // a policy whose change still waits in the queue is left to that task: it weighs the change as a whole (the hold)
        @SuppressWarnings("unchecked")
        Set<UUID> changing = Set.copyOf(em.createNativeQuery("select distinct target from evaluation_task where kind = 'POLICY'").getResultList());
        List<CompiledPolicy> policies = evaluated().stream().filter(p -> !changing.contains(p.id())).toList();
        List<Hit> hits = new ArrayList<>();
        grants.forEachActiveGrant(selection, (grant, facts) -> {
            for (CompiledPolicy policy : policies) {
                RuleOutcome outcome = policy.evaluate(facts);
                if (outcome.denies()) {
                    hits.add(new Hit(policy, grant.grantId, grant.guestId, grant.resourceId, outcome.denial()));
                }
            }
        });
        List<Violation> open = Violation.<Violation>list(field + " in ?1 and state = ?2", ids, Violation.State.OPEN).stream()
                .filter(v -> !changing.contains(v.policyId)).toList();
        Reconciled reconciled = reconcile(hits, open, false);
        for (Violation v : reconciled.toEnforce()) {
            // while an admin has not decided on a policy's held revocations, new ones of the same policy join them
            EnforcementHold pending = EnforcementHold.find("policyId = ?1 and state = ?2", v.policyId, EnforcementHold.State.PENDING).firstResult();
            if (pending != null) {
                v.enforcement = Enforcement.HELD;
                v.holdId = pending.id;
                pending.revocationsHeld++;
            } else {
                requestRevocation(v, EVALUATOR);
            }
        }
        publishDetected(reconciled.opened());
    }

    /**
     * Makes the open violations match what the policies say now: opens those newly found, resolves
     * those no longer found, and returns those of enforced policies whose revocation is still to be
     * decided (new ones; reported ones whose policy is now enforced; after a policy change, held or
     * declined ones, decided afresh). The detected events of those opened say what follows, so the
     * caller writes them ({@link #publishDetected}) once that is decided.
     */
    private Reconciled reconcile(List<Hit> hits, List<Violation> open, boolean policyChange) {
        Map<Pair, Hit> found = new LinkedHashMap<>();
        hits.forEach(h -> found.put(new Pair(h.policy().id(), h.grantId()), h));
        List<Violation> toEnforce = new ArrayList<>();
        Instant now = clock.instant();
        for (Violation v : open) {
            Hit hit = found.remove(new Pair(v.policyId, v.grantId));
            if (hit == null) {
                resolve(v, now);
                continue;
            }
            v.policyVersion = hit.policy().version();
            v.policyName = hit.policy().name();
            v.mode = hit.policy().mode();
            v.message = truncate(hit.message());
            if (v.mode == Mode.REPORT_ONLY) {
                if (v.enforcement == Enforcement.HELD || v.enforcement == Enforcement.DECLINED) {
                    v.enforcement = Enforcement.REPORTED;
                    v.holdId = null;
                }
            } else if (v.enforcement == Enforcement.REPORTED
                    || policyChange && (v.enforcement == Enforcement.HELD || v.enforcement == Enforcement.DECLINED)) {
                toEnforce.add(v);
            }
        }
        List<Violation> opened = new ArrayList<>();
        for (Hit hit : found.values()) {
            Violation v = new Violation();
            v.id = Ids.next();
            v.policyId = hit.policy().id();
            v.policyVersion = hit.policy().version();
            v.policyName = hit.policy().name();
            v.rule = hit.policy().rule().type().name();
            v.mode = hit.policy().mode();
            v.guestId = hit.guestId();
            v.grantId = hit.grantId();
            v.resourceId = hit.resourceId();
            v.message = truncate(hit.message());
            v.state = Violation.State.OPEN;
            v.enforcement = Enforcement.REPORTED;
            v.detectedAt = now;
            v.persist();
            opened.add(v);
            if (v.mode == Mode.ENFORCE) {
                toEnforce.add(v);
            }
        }
        return new Reconciled(opened, toEnforce);
    }

    /** What a reconciliation opened, and which open violations of enforced policies await the decision on their revocation. */
    private record Reconciled(List<Violation> opened, List<Violation> toEnforce) {
    }

    /** Writes the detected events of the violations a pass opened, once what follows each is decided. */
    private void publishDetected(List<Violation> opened) {
        if (opened.isEmpty()) {
            return;
        }
        // the guests' addresses and the resources' names and owners go with each event, so the owners can be told: read once for the pass
        Map<UUID, KnownGuest> guests = byId("select g from KnownGuest g where g.guestId in ?1", opened.stream().map(v -> v.guestId), g -> g.guestId);
        Map<UUID, KnownResource> resources = byId("select distinct r from KnownResource r left join fetch r.owners where r.resourceId in ?1",
                opened.stream().map(v -> v.resourceId), r -> r.resourceId);
        for (Violation v : opened) {
            Enforcement said = v.enforcement == Enforcement.DECLINED ? Enforcement.HELD : v.enforcement;
            KnownResource resource = resources.get(v.resourceId);
            outbox.publish(new PolicyViolationDetected(v.id.toString(), v.policyId.toString(), v.policyVersion, v.policyName, v.rule,
                    v.mode.name(), v.guestId.toString(), guests.containsKey(v.guestId) ? guests.get(v.guestId).email : null, v.grantId.toString(),
                    v.resourceId.toString(), resource == null ? null : resource.name,
                    resource == null ? List.of() : List.copyOf(resource.owners), v.message, said.name(),
                    v.holdId == null ? null : v.holdId.toString(), v.detectedAt));
        }
    }

    /** The read model's rows with these ids, by id; a bounded number of bind parameters per query. */
    @SuppressWarnings("unchecked")
    private <T> Map<UUID, T> byId(String query, java.util.stream.Stream<UUID> ids, java.util.function.Function<T, UUID> idOf) {
        List<UUID> distinct = ids.distinct().toList();
        Map<UUID, T> found = new HashMap<>();
        for (int from = 0; from < distinct.size(); from += 1000) {
            em.createQuery(query).setParameter(1, distinct.subList(from, Math.min(distinct.size(), from + 1000))).getResultList()
                    .forEach(row -> found.put(idOf.apply((T) row), (T) row));
        }
        return found;
    }

    private void resolve(Violation v, Instant now) {
        CompiledPolicy policy = evaluatedPolicy(v.policyId);
        KnownGrant grant = KnownGrant.findById(v.grantId);
        v.resolution = policy == null ? Resolution.POLICY_WITHDRAWN
                : grant == null || !KnownGrant.ACTIVE.equals(grant.state) ? Resolution.GRANT_REVOKED
                : Resolution.NO_LONGER_VIOLATES;
        v.state = Violation.State.RESOLVED;
        v.resolvedAt = now;
        outbox.publish(new PolicyViolationResolved(v.id.toString(), v.policyId.toString(), v.policyVersion, v.guestId.toString(),
                v.grantId.toString(), v.resolution.name(), now));
    }

    private void requestRevocation(Violation v, String requestedBy) {
        v.enforcement = Enforcement.REVOCATION_REQUESTED;
        outbox.publish(new AccessRevocationRequested(v.grantId.toString(), v.guestId.toString(), RevocationReason.POLICY_VIOLATION,
                v.id.toString(), v.policyName + ": " + v.message, clock.instant(), requestedBy));
    }

    private void hold(CompiledPolicy policy, long inScope, List<Violation> toEnforce) {
        EnforcementHold hold = new EnforcementHold();
        hold.id = Ids.next();
        hold.policyId = policy.id();
        hold.policyVersion = policy.version();
        hold.policyName = policy.name();
        hold.state = EnforcementHold.State.PENDING;
        hold.grantsInScope = inScope;
        hold.revocationsHeld = toEnforce.size();
        hold.createdAt = clock.instant();
        hold.persist();
        for (Violation v : toEnforce) {
            v.enforcement = Enforcement.HELD;
            v.holdId = hold.id;
        }
        outbox.publish(new PolicyEnforcementHeld(hold.id.toString(), policy.id().toString(), policy.version(), policy.name(), inScope,
                hold.revocationsHeld, hold.createdAt));
        LOG.warnf("policy %s v%d would revoke %d of the %d grants in its scope: held until an admin confirms (hold %s)", policy.id(),
                policy.version(), toEnforce.size(), inScope, hold.id);
    }

    /**
     * An admin confirms a pending hold (its held violations, still open, become revocation requests,
     * requested by the admin) or declines it (they stay open as reported, nothing revoked). Waits for a
     * running pass: a decision never interleaves with a reconciliation.
     */
    public EnforcementHold decide(UUID holdId, boolean confirm, String actor) {
        return QuarkusTransaction.requiringNew().call(() -> {
            singlePass.take(PASS);
            EnforcementHold hold = EnforcementHold.findById(holdId);
            if (hold == null) {
                throw new NotFoundProblem("enforcement hold", holdId);
            }
            if (hold.state != EnforcementHold.State.PENDING) {
                throw new ConflictProblem("the hold is " + hold.state + ": only a PENDING hold can be confirmed or declined");
            }
            hold.state = confirm ? EnforcementHold.State.CONFIRMED : EnforcementHold.State.DECLINED;
            hold.decidedAt = clock.instant();
            hold.decidedBy = actor;
            List<Violation> held = Violation.list("holdId = ?1 and state = ?2 and enforcement = ?3", holdId, Violation.State.OPEN, Enforcement.HELD);
            for (Violation v : held) {
                if (confirm) {
                    requestRevocation(v, actor);
                } else {
                    v.enforcement = Enforcement.DECLINED;
                }
            }
            adminChanges.record(actor, Change.UPDATED, "Enforcement hold", "enforcement-hold-" + (confirm ? "confirmed" : "declined"), holdId,
                    hold.policyName, Map.of("policyId", hold.policyId.toString(), "policyVersion", hold.policyVersion, "state", hold.state.name(),
                            "revocationsRequested", confirm ? held.size() : 0));
            LOG.infof("hold %s of policy %s %s by %s: %d revocation(s) %s", holdId, hold.policyId, hold.state, actor, held.size(),
                    confirm ? "requested" : "not requested");
            return hold;
        });
    }

    private static String truncate(String message) {
        return message.length() <= 2000 ? message : message.substring(0, 1997) + "...";
    }
}
