package dev.portcullis.policy.service;

import dev.portcullis.policy.authzen.FactsResolver;
import dev.portcullis.policy.domain.Scenario;
import dev.portcullis.policy.engine.CompiledPolicy;
import dev.portcullis.policy.engine.Facts;
import dev.portcullis.policy.engine.RuleOutcome;
import dev.portcullis.readmodel.KnownGrant;
import dev.portcullis.readmodel.KnownGuest;
import dev.portcullis.readmodel.KnownResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Policies against the access that exists: every active grant in policy-service's read model, as the
 * guest holding the resource ({@code access}). Simulation and continuous evaluation both walk the
 * grants here. All of them: the guests, resources and scenarios are read once, then the grants a page
 * at a time; those of some guests or resources: only what they touch.
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

    /** Which active grants to walk: all, or those of these guests, or of these resources. */
    public record Selection(Set<UUID> guests, Set<UUID> resources) {

        public static final Selection ALL = new Selection(null, null);

        public static Selection ofGuests(Set<UUID> guests) {
            return new Selection(guests, null);
        }

        public static Selection ofResources(Set<UUID> resources) {
            return new Selection(null, resources);
        }
    }

    public interface Visitor {
        void visit(KnownGrant grant, Facts facts);
    }

    /** Evaluates {@code policy} against every active grant; keeps the first {@code keep} flagged ones. Changes nothing. */
    public Result evaluate(CompiledPolicy policy, int keep) {
        return QuarkusTransaction.requiringNew().call(() -> {
            long[] counts = new long[2];
            List<Flagged> first = new ArrayList<>();
            forEachActiveGrant(Selection.ALL, (grant, f) -> {
                counts[0]++;
                RuleOutcome outcome = policy.evaluate(f);
                if (outcome.denies()) {
                    counts[1]++;
                    if (first.size() < keep) {
                        first.add(new Flagged(grant.grantId, grant.guestId, grant.resourceId, grant.role, outcome.denial()));
                    }
                }
            });
            return new Result(counts[0], counts[1], first);
        });
    }

    /**
     * Calls {@code visitor} with each selected active grant and its facts. Grants whose guest or
     * resource the read model has not heard of yet are skipped: their events are on their way, and
     * arriving re-evaluates them. Detaches what it read after each page, so the caller must have
     * nothing unflushed.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forEachActiveGrant(Selection selection, Visitor visitor) {
        Map<UUID, Scenario.ControlModel> models = new HashMap<>();
        Scenario.<Scenario>streamAll().forEach(s -> models.put(s.id, s.controlModel));
        if (selection.guests() != null || selection.resources() != null) {
            List<KnownGrant> grants = selection.guests() != null
                    ? active("g.guestId in :ids", selection.guests())
                    : active("g.resourceId in :ids", selection.resources());
            Map<UUID, KnownGuest> guests = byId(KnownGuest.class, "guestId", "sponsors", grants.stream().map(g -> g.guestId).toList(), g -> g.guestId);
            Map<UUID, KnownResource> resources = byId(KnownResource.class, "resourceId", "owners", grants.stream().map(g -> g.resourceId).toList(),
                    r -> r.resourceId);
            visitAll(grants, guests, resources, models, visitor);
            return;
        }
        // one query each, their collections joined: not one query per guest for its sponsors
        Map<UUID, KnownGuest> guests = new HashMap<>();
        em.createQuery("select distinct g from KnownGuest g left join fetch g.sponsors", KnownGuest.class).getResultList()
                .forEach(g -> guests.put(g.guestId, g));
        Map<UUID, KnownResource> resources = new HashMap<>();
        em.createQuery("select distinct r from KnownResource r left join fetch r.owners", KnownResource.class).getResultList()
                .forEach(r -> resources.put(r.resourceId, r));
        UUID after = new UUID(0, 0);
        while (true) {
            List<KnownGrant> page = em.createQuery("select g from KnownGrant g where g.state = :active and g.grantId > :after order by g.grantId",
                    KnownGrant.class).setParameter("active", KnownGrant.ACTIVE).setParameter("after", after).setMaxResults(PAGE).getResultList();
            if (page.isEmpty()) {
                return;
            }
            visitAll(page, guests, resources, models, visitor);
            after = page.get(page.size() - 1).grantId;
            em.flush();
            em.clear();
        }
    }

    private void visitAll(List<KnownGrant> grants, Map<UUID, KnownGuest> guests, Map<UUID, KnownResource> resources,
            Map<UUID, Scenario.ControlModel> models, Visitor visitor) {
        for (KnownGrant grant : grants) {
            KnownGuest guest = guests.get(grant.guestId);
            KnownResource resource = resources.get(grant.resourceId);
            if (guest != null && resource != null) {
                visitor.visit(grant, facts.forGrant(guest, resource, models));
            }
        }
    }

    private List<KnownGrant> active(String where, Collection<UUID> ids) {
        return em.createQuery("select g from KnownGrant g where g.state = :active and " + where, KnownGrant.class)
                .setParameter("active", KnownGrant.ACTIVE).setParameter("ids", ids).getResultList();
    }

    private <T> Map<UUID, T> byId(Class<T> type, String idField, String collection, Collection<UUID> ids, java.util.function.Function<T, UUID> id) {
        Map<UUID, T> found = new HashMap<>();
        if (!ids.isEmpty()) {
            em.createQuery("select distinct e from " + type.getSimpleName() + " e left join fetch e." + collection + " where e." + idField + " in :ids", type)
                    .setParameter("ids", Set.copyOf(ids)).getResultList().forEach(e -> found.put(id.apply(e), e));
        }
        return found;
    }
}
