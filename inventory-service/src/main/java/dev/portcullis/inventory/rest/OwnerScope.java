package dev.portcullis.inventory.rest;

import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.rest.ListQuery;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.inventory.domain.AccessGrant;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.UUID;

/**
 * What a {@code portcullis-owner} may see and touch: the resources they own, the grants on them, and
 * the guests holding one or invited by them. Anything else does not exist for them (404, not 403),
 * so ids cannot be probed. Admins and auditors see everything.
 */
@RequestScoped
public class OwnerScope {

    static final String RESOURCE = ":owner member of e.owners";
    static final String GRANT = "exists (select 1 from Resource r where r.id = e.resourceId and :owner member of r.owners)";
    static final String GUEST = "(e.invitedBy = :owner or exists (select 1 from AccessGrant g, Resource r where g.guestId = e.id"
            + " and g.resourceId = r.id and :owner member of r.owners))";

    @Inject
    Actor actor;

    /** The owner whose view this is, or null for a caller who sees everything. */
    public String owner() {
        return actor.isOwnerOnly() ? actor.email() : null;
    }

    /** Narrows a list to the caller's view; {@code clause} is one of this class's constants. */
    public <E> ListQuery<E> narrow(ListQuery<E> query, String clause) {
        return query.filter(clause, "owner", owner());
    }

    public Resource visible(Resource resource, UUID id) {
        if (resource == null || !sees(resource)) {
            throw new NotFoundProblem("resource", id);
        }
        return resource;
    }

    public AccessGrant visible(AccessGrant grant, UUID id) {
        if (grant == null || !sees(grant)) {
            throw new NotFoundProblem("grant", id);
        }
        return grant;
    }

    public Guest visible(Guest guest, UUID id) {
        String owner = owner();
        if (guest == null || owner != null && !owner.equals(guest.invitedBy) && AccessGrant.count(
                "select count(g) from AccessGrant g, Resource r where g.guestId = ?1 and g.resourceId = r.id and ?2 member of r.owners",
                guest.id, owner) == 0) {
            throw new NotFoundProblem("guest", id);
        }
        return guest;
    }

    public boolean sees(Resource resource) {
        String owner = owner();
        return owner == null || resource.owners.contains(owner);
    }

    public boolean sees(AccessGrant grant) {
        return owner() == null || sees(Resource.<Resource>findById(grant.resourceId));
    }

    /** A resource named in a request body: an owner may only name their own (a 400 that says nothing of others'). */
    public Resource requireOwn(UUID resourceId, String field) {
        Resource resource = resourceId == null ? null : Resource.findById(resourceId);
        if (resource == null || !sees(resource)) {
            throw new BadRequestProblem(field, owner() == null ? "names no resource" : "names no resource you own");
        }
        return resource;
    }
}
