package dev.portcullis.review.service;

import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.readmodel.KnownResource;
import dev.portcullis.events.AccessPackageChanged;
import dev.portcullis.review.domain.AccessPackage;
import dev.portcullis.review.domain.StoredJson;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.ForbiddenException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Access packages: created by an admin, changed by an admin or by the package's owners (who may not
 * move it to another scenario or hand it to other owners). Every change is checked against the
 * scenario's guard rails first (policy-service, outside the transaction), then is a new version, kept,
 * and announced ({@code access-package-changed}) in the same transaction.
 */
@ApplicationScoped
public class AccessPackages {

    private static final Logger LOG = Logger.getLogger(AccessPackages.class);

    @Inject
    EntityManager em;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    StoredJson json;

    @Inject
    PackageGuardRails guardRails;

    public AccessPackage create(PackageSpec posted, String actor, String actorEmail, Set<String> roles) {
        check(posted, clock.instant());
        PackageSpec spec = offered(posted, null, actorEmail, roles);
        UUID id = Ids.next();
        guardRails.check(id, spec, actor, roles);
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            AccessPackage p = new AccessPackage();
            p.id = id;
            p.version = 1;
            p.createdBy = actor;
            p.createdAt = now;
            apply(p, spec, actor, now);
            p.persist();
            recordVersion(p, "CREATED", spec);
            return p;
        });
    }

    /**
     * The spec with who offered each resource: a resource the package had already, with the same role, keeps its offer; any other
     * is offered by the editor, who must be an admin or an owner of it (403 naming it otherwise). A delivery acts with that
     * authority, so a package can never give what its editor could not.
     */
    private PackageSpec offered(PackageSpec spec, PackageSpec before, String editor, Set<String> roles) {
        boolean admin = roles.contains(Roles.ADMIN);
        List<PackageSpec.PackageResource> offered = new java.util.ArrayList<>();
        for (int i = 0; i < spec.resources().size(); i++) {
            PackageSpec.PackageResource r = spec.resources().get(i);
            Optional<PackageSpec.PackageResource> kept = before == null ? Optional.empty() : before.resources().stream()
                    .filter(b -> b.resourceId().equals(r.resourceId()) && b.role().equals(r.role()) && b.offeredBy() != null).findFirst();
            if (kept.isPresent()) {
                offered.add(r.offeredBy(kept.get().offeredBy(), kept.get().offeredAs()));
            } else if (admin) {
                offered.add(r.offeredBy(editor, "ADMIN"));
            } else if (KnownResource.<KnownResource>findByIdOptional(r.resourceId()).filter(k -> k.owners.stream().anyMatch(o -> o.equalsIgnoreCase(editor))).isPresent()) {
                offered.add(r.offeredBy(editor, "OWNER"));
            } else {
                throw new ForbiddenException("resources[" + i + "].resourceId: resource " + r.resourceId() + " is not yours to offer: only an"
                        + " admin or an owner of the resource puts it in a package");
            }
        }
        return spec.withResources(offered);
    }

    /** A new version of the package; {@code ownerOnly}: the caller changes it as one of its owners, not as an admin. */
    public AccessPackage update(UUID id, PackageSpec posted, String actor, String actorEmail, Set<String> roles, boolean ownerOnly) {
        AccessPackage current = AccessPackage.findById(id);
        authorize(current, id, posted, actorEmail, ownerOnly);
        check(posted, clock.instant());
        PackageSpec spec = offered(posted, spec(current.spec), actorEmail, roles);
        guardRails.check(id, spec, actor, roles);
        return QuarkusTransaction.requiringNew().call(() -> {
            AccessPackage p = em.find(AccessPackage.class, id, LockModeType.PESSIMISTIC_WRITE);
            authorize(p, id, spec, actorEmail, ownerOnly); // again, under the lock: the owners may have changed meanwhile
            p.version++;
            apply(p, spec, actor, clock.instant());
            recordVersion(p, "UPDATED", spec);
            return p;
        });
    }

    private static void authorize(AccessPackage p, UUID id, PackageSpec spec, String actorEmail, boolean ownerOnly) {
        if (p == null || (ownerOnly && !p.ownedBy(actorEmail))) {
            throw new NotFoundProblem("access package", id);
        }
        if (ownerOnly && !spec.scenarioId().equals(p.scenarioId)) {
            throw new ForbiddenException("only an admin moves a package to another scenario");
        }
        if (ownerOnly && !Set.copyOf(spec.owners()).equals(Set.of(p.owners))) {
            throw new ForbiddenException("only an admin changes a package's owners");
        }
    }

    public PackageSpec spec(String stored) {
        return json.read(stored, PackageSpec.class, "access package");
    }

    /** Every version of the package, oldest first: (version, spec, changedBy, changedAt). */
    @SuppressWarnings("unchecked")
    public List<Object[]> versions(UUID id) {
        return em.createNativeQuery("select version, cast(spec as text), changed_by, changed_at from access_package_version where package_id = :p"
                + " order by version").setParameter("p", id).getResultList();
    }

    /** The rules across fields, and every resource known to review-service (from inventory's events). */
    private void check(PackageSpec spec, Instant now) {
        spec.check(now);
        List<UUID> ids = spec.resources().stream().map(PackageSpec.PackageResource::resourceId).toList();
        @SuppressWarnings("unchecked")
        Set<UUID> known = new HashSet<>(em.createNativeQuery("select resource_id from rm_resource where resource_id in (:ids)", UUID.class)
                .setParameter("ids", ids).getResultList());
        for (int i = 0; i < ids.size(); i++) {
            if (!known.contains(ids.get(i))) {
                throw new BadRequestProblem("resources[" + i + "].resourceId", "is no resource known to review-service (inventory announces"
                        + " a new one within a second)");
            }
        }
    }

    private void apply(AccessPackage p, PackageSpec spec, String actor, Instant now) {
        p.name = spec.name();
        p.scenarioId = spec.scenarioId();
        p.owners = spec.owners().toArray(String[]::new);
        p.spec = json.write(spec);
        p.updatedBy = actor;
        p.updatedAt = now;
    }

    /** A package's resource as events carry it, with its offer. */
    public static AccessPackageChanged.PackageResource event(PackageSpec.PackageResource r) {
        return new AccessPackageChanged.PackageResource(r.resourceId().toString(), r.role(), r.offeredBy(), r.offeredAs());
    }

    private void recordVersion(AccessPackage p, String change, PackageSpec spec) {
        em.flush();
        em.createNativeQuery("insert into access_package_version (package_id, version, spec, changed_by, changed_at) values (?1, ?2, cast(?3 as jsonb), ?4, ?5)")
                .setParameter(1, p.id).setParameter(2, p.version).setParameter(3, p.spec).setParameter(4, p.updatedBy).setParameter(5, p.updatedAt)
                .executeUpdate();
        outbox.publish(new AccessPackageChanged(p.id.toString(), p.version, change, p.name, p.scenarioId.toString(), List.of(p.owners),
                spec.resources().stream().map(AccessPackages::event).toList(),
                p.updatedBy, p.updatedAt));
        LOG.infof("access package=%s version %d %s by %s", p.id, p.version, change.toLowerCase(java.util.Locale.ROOT), p.updatedBy);
    }
}
