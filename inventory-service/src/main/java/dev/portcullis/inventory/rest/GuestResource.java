package dev.portcullis.inventory.rest;

import java.util.Set;
import dev.portcullis.inventory.rest.GrantResource.GrantView;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.inventory.policy.AccessPolicy;
import dev.portcullis.backbone.rest.ListQuery;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.inventory.domain.AccessGrant;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.GuestState;
import dev.portcullis.inventory.domain.Resource;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.inventory.service.Guests.InviteGuest;
import dev.portcullis.inventory.service.Guests;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Size;
import jakarta.persistence.EntityManager;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/guests")
@Tag(name = "guests", description = "External users and what they hold")
public class GuestResource {

    @Inject
    Guests guests;

    @Inject
    EntityManager em;

    @Inject
    Actor actor;

    @Inject
    AccessPolicy policy;

    @Inject
    Clock clock;

    @Inject
    OwnerScope scope;

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.OWNER})
    @Operation(summary = "Invite a guest", description = "The partner is found by home tenant, else by email domain; an unknown "
            + "organization becomes a PROPOSED partner. 1 to 5 sponsors. Asks policy-service first: 422 with the policies' reasons if they refuse,"
            + " 503 if it gives no decision in time (nothing is created). Publishes guest-invited. An owner invites to one of their own resources"
            + " (resourceId, required for them), as the scenario's control model allows (IT_GOVERNED: 422); they are recorded as invitedBy.")
    public Response invite(@Valid @NotNull InviteGuest request) {
        Resource resource = null;
        if (scope.owner() != null || request.resourceId() != null) {
            if (request.resourceId() == null) {
                throw new BadRequestProblem("resourceId", "is required of an owner: the resource of theirs the guest is invited to");
            }
            resource = scope.requireOwn(request.resourceId(), "resourceId");
        }
        policy.checkInvite(request, resource, actor.email(), actor.roles());
        Guest guest = guests.invite(scope.owner() == null ? request : request.invitedBy(scope.owner()), actor.name());
        return Response.created(URI.create("/api/v1/guests/" + guest.id)).entity(GuestView.of(guest, List.of())).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR, Roles.OWNER})
    @Operation(summary = "List guests", description = "An owner sees the guests holding (or having held) a grant on their resources, and those they"
            + " invited. Filters: state, partnerId, sponsor (email, or none: guests nobody vouches for),"
            + " inactiveDays (no sign-in for at least N days, counted from creation for a guest who never signed in; listed longest-inactive"
            + " first), resourceId (holds an"
            + " active grant on it), q (email or display-name prefix). Keyset-paged.")
    public Page<GuestView> list(@QueryParam("state") String state, @QueryParam("partnerId") String partnerId,
            @QueryParam("sponsor") String sponsor, @QueryParam("resourceId") String resourceId, @QueryParam("q") String q,
            @QueryParam("inactiveDays") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "3650")) String inactiveDays,
            @QueryParam("limit") @Parameter(description = "page size", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) String limit, @QueryParam("cursor") String cursor) {
        Instant since = inactiveSince(inactiveDays);
        ListQuery<Guest> query = scope.narrow(ListQuery.of(Guest.class), OwnerScope.GUEST)
                .filter("e.state = :state", "state", QueryParams.enumValue(GuestState.class, "state", state))
                .filter("e.partnerId = :partnerId", "partnerId", QueryParams.uuid("partnerId", partnerId))
                .joinFilter("join e.sponsors s", "lower(s) = lower(:sponsor)", "sponsor", NO_SPONSOR.equalsIgnoreCase(sponsor) ? null : sponsor)
                .where("e.sponsors is empty", NO_SPONSOR.equalsIgnoreCase(sponsor))
                .filter(ACTIVITY + " <= :inactiveSince", "inactiveSince", since)
                .filter("exists (select 1 from AccessGrant g where g.guestId = e.id and g.resourceId = :resourceId and g.state = 'ACTIVE')",
                        "resourceId", QueryParams.uuid("resourceId", resourceId))
                .filter("(lower(e.email) like :q or lower(e.displayName) like :q)", "q", q == null ? null : q.toLowerCase() + "%");
        // inactive guests come longest-inactive first, straight from the activity index; any other list in id order
        return since == null ? query.page(em, limit, cursor, g -> g.id, g -> GuestView.of(g, null))
                : query.pageBy(em, ACTIVITY, g -> g.lastSignInAt == null ? g.createdAt : g.lastSignInAt, limit, cursor, g -> g.id, g -> GuestView.of(g, null));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR, Roles.OWNER})
    @Operation(summary = "Get a guest with their active grants", description = "An owner: 404 unless the guest is in their view, and only the"
            + " grants on their own resources.")
    public GuestView get(@PathParam("id") UUID id) {
        Guest guest = scope.visible(Guest.<Guest>findById(id), id);
        return GuestView.of(guest, AccessGrant.activeOf(id).stream().filter(scope::sees).map(GrantView::of).toList());
    }

    /** A guest's latest activity: the latest sign-in, or the creation for one who never signed in (index guest_activity). */
    static final String ACTIVITY = "coalesce(e.lastSignInAt, e.createdAt)";

    /** {@code sponsor=none}: the guests nobody vouches for. */
    static final String NO_SPONSOR = "none";

    private Instant inactiveSince(String inactiveDays) {
        Integer days = QueryParams.integer("inactiveDays", inactiveDays, 1, 3650);
        return days == null ? null : clock.instant().minus(Duration.ofDays(days));
    }

    public record GuestAction(@Size(max = 1000) String reason) {
    }

    @POST
    @Path("/{id}/block")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Block a guest", description = "BLOCKED (reason ADMIN: no partner signal or job lifts it), every active grant REVOKED"
            + " (reason MANUAL), in one transaction; publishes one access-revoked per grant and guest-blocked. 409 if blocked or removed already.")
    public GuestView block(@PathParam("id") UUID id, @Valid GuestAction request) {
        Guest guest = guests.block(id, request == null ? null : request.reason(), actor.name());
        return GuestView.of(guest, List.of());
    }

    @POST
    @Path("/{id}/unblock")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Unblock a guest", description = "Back to the state the block interrupted (INVITED or ACTIVE), whoever blocked;"
            + " revoked grants stay revoked. Publishes guest-unblocked. 409 unless BLOCKED.")
    public GuestView unblock(@PathParam("id") UUID id, @Valid GuestAction request) {
        Guest guest = guests.unblock(id, request == null ? null : request.reason(), actor.name());
        return GuestView.of(guest, List.of());
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Remove a guest", description = "REMOVED for good, what remains REVOKED (reason GUEST_REMOVED); publishes access-revoked"
            + " per grant and guest-removed. The guest's personal data (email, name, home subject) is erased everywhere, the audit trail"
            + " included (its key destroyed; the chain still verifies); the address may be invited anew. 409 if removed already.")
    public GuestView remove(@PathParam("id") UUID id, @Valid GuestAction request) {
        Guest guest = guests.remove(id, request == null ? null : request.reason(), actor.name());
        return GuestView.of(guest, List.of());
    }

    public record GuestView(UUID id, String email, String displayName, String homeTenantId, String homeSubject, UUID partnerId,
            GuestState state, Set<String> sponsors, String invitedBy, Instant createdAt, Instant lastSignInAt, Instant blockedAt,
            String blockedReason, Instant removedAt, String removedReason, List<GrantView> activeGrants) {
        static GuestView of(Guest g, List<GrantView> activeGrants) {
            return new GuestView(g.id, g.email, g.displayName, g.homeTenantId, g.homeSubject, g.partnerId, g.state, g.sponsors,
                    g.invitedBy, g.createdAt, g.lastSignInAt, g.blockedAt, g.blockedReason == null ? null : g.blockedReason.name(), g.removedAt,
                    g.removedReason == null ? null : g.removedReason.name(), activeGrants);
        }
    }
}
