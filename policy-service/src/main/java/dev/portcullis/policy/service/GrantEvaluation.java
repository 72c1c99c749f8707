package dev.portcullis.policy.service;

import dev.portcullis.policy.authzen.FactsResolver;
import dev.portcullis.policy.domain.Scenario;
import dev.portcullis.policy.engine.CompiledPolicy;
import dev.portcullis.policy.engine.RuleOutcome;
import dev.portcullis.readmodel.KnownGrant;
import dev.portcullis.readmodel.KnownGuest;
import dev.portcullis.readmodel.KnownResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A policy against the access that exists: every active grant in policy-service's read model, as
 * the guest holding the resource ({@code access}). Used by simulation now, and by continuous
 * evaluation next. Reads the guests, resources and scenarios once, then the grants a page at a time.
 */
@ApplicationScoped
public class GrantEvaluation {

    private static final int PAGE = 5_000;

    @Inject
    EntityManager em;

    @Inject
    FactsResolver facts;

    /** One grant the policy would deny, and why. */
    public record Flagged(UUID grantId, UUID guestId, UUID resourceId, String role, String message) {
    }

    public record Result(long evaluated, long flagged, List<Flagged> first) {
    }

    /** Evaluates {@code policy} against every active grant; keeps the first {@code keep} flagged ones. Changes nothing. */
    public Result evaluate(CompiledPolicy policy, int keep) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<UUID, KnownGuest> guests = new HashMap<>();
            KnownGuest.<KnownGuest>streamAll().forEach(g -> guests.put(g.guestId, g));
            Map<UUID, KnownResource> resources = new HashMap<>();
            KnownResource.<KnownResource>streamAll().forEach(r -> resources.put(r.resourceId, r));
            Map<UUID, Scenario.ControlModel> models = new HashMap<>();
            Scenario.<Scenario>streamAll().forEach(s -> models.put(s.id, s.controlModel));
            long evaluated = 0;
            long flagged = 0;
            List<Flagged> first = new ArrayList<>();
            UUID after = new UUID(0, 0);
            while (true) {
                List<KnownGrant> page = em.createQuery("select g from KnownGrant g where g.state = :active and g.grantId > :after order by g.grantId",
                        KnownGrant.class).setParameter("active", KnownGrant.ACTIVE).setParameter("after", after).setMaxResults(PAGE).getResultList();
                if (page.isEmpty()) {
                    break;
                }
                for (KnownGrant grant : page) {
                    KnownGuest guest = guests.get(grant.guestId);
                    KnownResource resource = resources.get(grant.resourceId);
                    if (guest == null || resource == null) {
                        // not heard of yet (its event is on its way): the next evaluation sees it
                        continue;
                    }
                    evaluated++;
                    RuleOutcome outcome = policy.evaluate(facts.forGrant(guest, resource, models));
                    if (outcome.denies()) {
                        flagged++;
                        if (first.size() < keep) {
                            first.add(new Flagged(grant.grantId, grant.guestId, grant.resourceId, grant.role, outcome.denial()));
                        }
                    }
                }
                after = page.get(page.size() - 1).grantId;
                em.clear();
            }
            return new Result(evaluated, flagged, first);
        });
    }
}
