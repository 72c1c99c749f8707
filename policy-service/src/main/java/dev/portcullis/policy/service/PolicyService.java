package dev.portcullis.policy.service;

import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.events.ocsf.OcsfMapping;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.policy.domain.Policy;
import dev.portcullis.policy.domain.PolicyRule;
import dev.portcullis.policy.domain.PolicyScope;
import dev.portcullis.policy.domain.PolicyVersion;
import dev.portcullis.policy.domain.Scenario;
import dev.portcullis.policy.engine.PolicyRules;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.util.UUID;

/** Writes policies as versions: create is version 1, each update the next, a delete a last version marked deleted; each on the SOC's feed. */
@ApplicationScoped
public class PolicyService {

    @Inject
    EntityManager em;

    @Inject
    PolicyStore store;

    @Inject
    Clock clock;

    @Inject
    ContinuousEvaluation evaluation;

    @Inject
    Outbox outbox;

    /** What a policy says, as a caller writes it. */
    public record Draft(String name, Policy.Mode mode, PolicyScope scope, PolicyRule rule) {
    }

    /** Refuses, naming the field, a draft that could never decide: a rule that does not fit its type, a scope naming an unknown scenario. */
    public void validate(Draft draft) {
        PolicyRules.validate(draft.rule());
        PolicyScope scope = draft.scope() == null ? PolicyScope.ANY : draft.scope();
        for (UUID scenario : scope.scenarioIds()) {
            if (scenario == null || Scenario.findById(scenario) == null) {
                throw new BadRequestProblem("scope.scenarioIds", "no scenario " + scenario);
            }
        }
    }

    public PolicyVersion create(Draft draft, String actor) {
        PolicyVersion created = QuarkusTransaction.requiringNew().call(() -> {
            validate(draft);
            Policy policy = new Policy();
            policy.id = Ids.next();
            policy.currentVersion = 1;
            policy.changeSeq = nextChange();
            policy.persist();
            return writeVersion(policy, draft, false, actor);
        });
        store.reloadIfChanged();
        return created;
    }

    public PolicyVersion update(UUID id, Draft draft, String actor) {
        PolicyVersion updated = QuarkusTransaction.requiringNew().call(() -> {
            validate(draft);
            Policy policy = locked(id);
            policy.currentVersion++;
            policy.changeSeq = nextChange();
            return writeVersion(policy, draft, false, actor);
        });
        store.reloadIfChanged();
        return updated;
    }

    public PolicyVersion delete(UUID id, String actor) {
        PolicyVersion deleted = QuarkusTransaction.requiringNew().call(() -> {
            Policy policy = locked(id);
            PolicyVersion last = PolicyVersion.findById(new PolicyVersion.Key(id, policy.currentVersion));
            policy.currentVersion++;
            policy.deleted = true;
            policy.changeSeq = nextChange();
            return writeVersion(policy, new Draft(last.name, last.mode, store.read(last.scope, PolicyScope.class), store.read(last.rule, PolicyRule.class)),
                    true, actor);
        });
        store.reloadIfChanged();
        return deleted;
    }

    private Policy locked(UUID id) {
        Policy policy = em.find(Policy.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (policy == null || policy.deleted) {
            throw new NotFoundProblem("policy", id);
        }
        return policy;
    }

    /** Writes the policy's next version, and queues its evaluation against the grants that exist, in the same transaction. */
    private PolicyVersion writeVersion(Policy policy, Draft draft, boolean deleted, String actor) {
        evaluation.policyChanged(policy.id);
        PolicyVersion version = new PolicyVersion();
        version.key = new PolicyVersion.Key(policy.id, policy.currentVersion);
        version.name = draft.name();
        version.mode = draft.mode();
        version.scope = store.write(draft.scope() == null ? PolicyScope.ANY : draft.scope());
        version.rule = store.write(draft.rule());
        version.deleted = deleted;
        version.createdAt = clock.instant();
        version.createdBy = actor;
        version.persist();
        outbox.publish(OcsfMapping.policyChanged(Ids.next(), policy.id.toString(), version.key.version(), version.name, version.mode.name(), deleted,
                actor, version.createdAt));
        return version;
    }

    private long nextChange() {
        return ((Number) em.createNativeQuery("select nextval('policy_change_seq')").getSingleResult()).longValue();
    }
}
