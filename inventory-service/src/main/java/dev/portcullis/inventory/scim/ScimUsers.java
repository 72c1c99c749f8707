package dev.portcullis.inventory.scim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.inventory.domain.GuestChangeReason;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.GuestState;
import dev.portcullis.inventory.service.AuditTrail;
import dev.portcullis.inventory.service.Guests;
import dev.portcullis.inventory.service.Partners;
import dev.portcullis.inventory.service.Guests.GuestDetails;
import dev.portcullis.inventory.service.Guests.NewGuest;
import dev.portcullis.inventory.service.Revocations;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import static dev.portcullis.inventory.scim.ScimUserMapper.GUEST_SCHEMA;

import dev.portcullis.inventory.scim.ScimUserMapper.UserInput;

/**
 * Guests as SCIM Users (RFC 7643 §4.1, with the Portcullis Guest extension), and the SCIM operations
 * on them. Every change goes through {@link Guests} and {@link Revocations}: the same events,
 * audit records and revocations as the REST API. {@code active: false} blocks the guest (block reason
 * {@code SCIM}) and revokes what they hold, as an admin's block does; {@code active: true} lifts only
 * a block SCIM made, and leaves anyone else's (an admin's, a partner signal's, a job's) in place.
 */
@ApplicationScoped
public class ScimUsers {

    @Inject
    Guests guests;

    @Inject
    Partners partners;

    @Inject
    Revocations revocations;

    @Inject
    AuditTrail audit;

    @Inject
    EntityManager em;

    @Inject
    ScimUserMapper mapper;

    /** A page of users: the total matching, and those from {@code startIndex} (1-based). */
    record Page(long total, int startIndex, List<Guest> guests) {
    }

    // ---- operations

    @Transactional
    Guest create(UserInput in, String actor) {
        if (Guest.count("lower(email)", in.userName().toLowerCase(Locale.ROOT)) > 0) {
            throw new ScimProblem(409, "uniqueness", "a user with userName " + in.userName() + " exists");
        }
        requireFreeExternalId(in.externalId(), null);
        var partner = partners.partnerFor(in.homeTenantId(), in.userName().toLowerCase(Locale.ROOT));
        Guest guest = guests.addGuest(partner.id, new NewGuest(in.userName(), in.displayName(), in.homeTenantId(), in.homeSubject(), in.sponsors(),
                actor, null), actor, "provisioned over SCIM");
        guest.externalId = in.externalId();
        partners.provisionedOverScim(partner.id, guest.createdAt); // a provisioning system ends its guests' access: the posture counts it
        if (Boolean.FALSE.equals(in.active())) {
            revocations.blockOnly(guest, GuestChangeReason.SCIM, "scim: provisioned inactive", actor);
        }
        return guest;
    }

    @Transactional
    Guest replace(UUID id, UserInput in, String ifMatch, String actor) {
        Guest guest = lockLive(id, ifMatch);
        // a PUT replaces what it names; the extension (sponsors, home identity), when absent, stays as it is
        apply(guest, new UserInput(in.userName() == null ? guest.email : in.userName(), in.displayName(), in.externalId(), in.active(),
                in.homeTenantId(), in.homeSubject(), in.sponsors() == null ? List.copyOf(guest.sponsors) : in.sponsors()), actor);
        return guest;
    }

    @Transactional
    Guest patch(UUID id, JsonNode body, String ifMatch, String actor) {
        Guest guest = lockLive(id, ifMatch);
        apply(guest, ScimUserMapper.patched(guest, body), actor);
        return guest;
    }

    @Transactional
    void delete(UUID id, String ifMatch, String actor) {
        Guest guest = lockLive(id, ifMatch);
        revocations.remove(guest, GuestChangeReason.SCIM, "scim: deleted", actor);
    }

    /** The attributes a list sorts by (RFC 7644 §3.4.2.3), each by its column; others are a 400. */
    private static final Map<String, String> SORTABLE = Map.of("username", "lower(e.email)", "externalid", "e.externalId",
            "displayname", "e.displayName", "meta.created", "e.createdAt", "meta.lastmodified", "coalesce(e.modifiedAt, e.createdAt)",
            "id", "e.id");

    Page list(String filter, Integer startIndex, Integer count, String sortBy, String sortOrder) {
        String order = "e.createdAt, e.id";
        if (sortBy != null && !sortBy.isBlank()) {
            String name = sortBy.strip().toLowerCase(Locale.ROOT);
            if (name.startsWith(USER_PREFIX)) {
                name = name.substring(USER_PREFIX.length());
            }
            String column = SORTABLE.get(name);
            if (column == null) {
                throw ScimProblem.invalidValue("sortBy", "cannot be " + sortBy + ": userName, externalId, displayName, meta.created,"
                        + " meta.lastModified or id");
            }
            boolean descending = sortOrder != null && sortOrder.strip().equalsIgnoreCase("descending");
            if (sortOrder != null && !descending && !sortOrder.strip().equalsIgnoreCase("ascending")) {
                throw ScimProblem.invalidValue("sortOrder", "must be ascending or descending");
            }
            // a value that is absent sorts last in either order (RFC 7644 §3.4.2.3); the id breaks ties, so pages do not overlap
            order = column + (descending ? " desc nulls last" : " asc nulls last") + ", e.id";
        }
        ScimFilter.Jpql where = ScimFilter.parse(filter);
        int start = startIndex == null || startIndex < 1 ? 1 : startIndex;
        int size = count == null ? DEFAULT_COUNT : Math.max(0, Math.min(count, MAX_COUNT));
        String condition = "e.state <> 'REMOVED' and " + where.where();
        TypedQuery<Long> total = em.createQuery("select count(e) from Guest e where " + condition, Long.class);
        TypedQuery<Guest> page = em.createQuery("select e from Guest e where " + condition + " order by " + order, Guest.class);
        where.parameters().forEach((name, value) -> {
            total.setParameter(name, value);
            page.setParameter(name, value);
        });
        List<Guest> guests = size == 0 ? List.of() : page.setFirstResult(start - 1).setMaxResults(size).getResultList();
        return new Page(total.getSingleResult(), start, guests);
    }

    private static final String USER_PREFIX = ScimUserMapper.USER_SCHEMA.toLowerCase(Locale.ROOT) + ":";
    static final int DEFAULT_COUNT = 100;
    static final int MAX_COUNT = 1000;

    Guest get(UUID id) {
        Guest guest = id == null ? null : Guest.findById(id);
        if (guest == null || guest.state == GuestState.REMOVED) {
            throw new NotFoundProblem("User", id);
        }
        return guest;
    }

    /**
     * The user, locked for the change; with {@code If-Match}, only if it is still the version the client read (RFC 7644 §3.14,
     * RFC 9110 §13.1.1): compared under the lock, so two clients that read one version cannot both change it.
     */
    private Guest lockLive(UUID id, String ifMatch) {
        Guest guest = id == null ? null : Guest.lock(id).orElse(null);
        if (guest == null || guest.state == GuestState.REMOVED) {
            throw new NotFoundProblem("User", id);
        }
        if (ifMatch != null && !ifMatch.isBlank() && !matches(ifMatch, ScimUserMapper.version(guest))) {
            throw new ScimProblem(412, null, "If-Match " + ifMatch.strip() + " is not the user's version " + ScimUserMapper.version(guest)
                    + ": read it again");
        }
        return guest;
    }

    /** Whether an If-Match list names {@code version} (weakly: W/ aside) or is {@code *}. */
    static boolean matches(String ifMatch, String version) {
        String current = version.startsWith("W/") ? version.substring(2) : version;
        for (String tag : ifMatch.split(",")) {
            String t = tag.strip();
            if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(current)) {
                return true;
            }
        }
        return false;
    }

    /** Makes the guest what {@code in} says, each change through the service that owns it. */
    private void apply(Guest guest, UserInput in, String actor) {
        if (in.homeTenantId() != null && !in.homeTenantId().equals(guest.homeTenantId)) {
            throw new ScimProblem(400, "mutability", GUEST_SCHEMA + ":homeTenantId cannot change: the guest is that tenant's person");
        }
        if (in.homeSubject() != null && !in.homeSubject().equals(guest.homeSubject)) {
            throw new ScimProblem(400, "mutability", GUEST_SCHEMA + ":homeSubject cannot change: partner signals find the guest by it");
        }
        mapper.requireValid(new UserInput(in.userName(), in.displayName(), in.externalId(), in.active(), guest.homeTenantId, guest.homeSubject,
                in.sponsors()), actor);
        if (!in.userName().equalsIgnoreCase(guest.email)) {
            // the service's own rule for a new address, said in SCIM's terms
            try {
                guests.checkNewAddress(guest, in.userName());
            } catch (ConflictProblem e) {
                throw new ScimProblem(409, "uniqueness", "a user with userName " + in.userName() + " exists");
            } catch (BadRequestProblem e) {
                throw ScimProblem.invalidValue("userName", e.getMessage());
            }
        }
        guests.updateGuest(guest, new GuestDetails(in.userName(), in.displayName(), in.sponsors()), actor, "SCIM", null);
        if (!Objects.equals(in.externalId(), guest.externalId)) {
            requireFreeExternalId(in.externalId(), guest.id);
            guest.externalId = in.externalId();
            audit.record(AuditTrail.change("GUEST_EXTERNAL_ID_CHANGED", actor).guest(guest).reason("SCIM").detail("externalId", in.externalId()));
        }
        if (Boolean.FALSE.equals(in.active()) && guest.state != GuestState.BLOCKED) {
            revocations.blockAndRevokeAll(guest, GuestChangeReason.SCIM, "scim: deactivated", actor);
        } else if (Boolean.TRUE.equals(in.active()) && guest.state == GuestState.BLOCKED && guest.blockedReason == GuestChangeReason.SCIM) {
            revocations.unblock(guest, GuestChangeReason.SCIM, "scim: activated", actor);
        }
    }

    private void requireFreeExternalId(String externalId, UUID self) {
        if (externalId != null && (self == null ? Guest.count("externalId", externalId) : Guest.count("externalId = ?1 and id <> ?2", externalId, self)) > 0) {
            throw new ScimProblem(409, "uniqueness", "a user with externalId " + externalId + " exists");
        }
    }
}
