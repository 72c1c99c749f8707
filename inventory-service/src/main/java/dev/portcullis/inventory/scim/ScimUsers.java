package dev.portcullis.inventory.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.inventory.domain.GuestChangeReason;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.GuestState;
import dev.portcullis.inventory.rest.Dtos.InviteGuest;
import dev.portcullis.inventory.service.AuditTrail;
import dev.portcullis.inventory.service.InventoryService;
import dev.portcullis.inventory.service.InventoryService.GuestDetails;
import dev.portcullis.inventory.service.InventoryService.NewGuest;
import dev.portcullis.inventory.service.Revocations;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Guests as SCIM Users (RFC 7643 §4.1, with the Portcullis Guest extension), and the SCIM operations
 * on them. Every change goes through {@link InventoryService} and {@link Revocations}: the same events,
 * audit records and revocations as the REST API. {@code active: false} blocks the guest (block reason
 * {@code SCIM}) and revokes what they hold, as an admin's block does; {@code active: true} lifts only
 * a block SCIM made, and leaves anyone else's (an admin's, a partner signal's, a job's) in place.
 */
@ApplicationScoped
public class ScimUsers {

    static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
    static final String GUEST_SCHEMA = "urn:ietf:params:scim:schemas:extension:portcullis:2.0:Guest";
    static final String LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    static final String PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    @Inject
    InventoryService inventory;

    @Inject
    Revocations revocations;

    @Inject
    AuditTrail audit;

    @Inject
    EntityManager em;

    @Inject
    Validator validator;

    /** A user as a SCIM body describes it: what Portcullis keeps of it. */
    record UserInput(String userName, String displayName, String externalId, Boolean active, String homeTenantId, String homeSubject,
            List<String> sponsors) {

        /** As an invitation, which the policies check and the REST API's rules validate. */
        InviteGuest invitation(String actor) {
            return new InviteGuest(userName, displayName, homeTenantId, homeSubject, sponsors, actor, null);
        }
    }

    /** A page of users: the total matching, and those from {@code startIndex} (1-based). */
    record Page(long total, int startIndex, List<Guest> guests) {
    }

    // ---- reading SCIM bodies

    /** A create's or a replace's body, checked by the REST API's own rules (named in SCIM's terms). */
    UserInput read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new ScimProblem(400, "invalidSyntax", "the body must be a SCIM User object");
        }
        ObjectNode user = (ObjectNode) body;
        JsonNode schemas = attribute(user, "schemas");
        if (schemas == null || !schemas.isArray() || !contains((ArrayNode) schemas, USER_SCHEMA)) {
            throw new ScimProblem(400, "invalidSyntax", "schemas must name " + USER_SCHEMA);
        }
        String userName = text(user, "userName");
        String email = primaryEmail(attribute(user, "emails"));
        if (email != null && userName != null && !email.equalsIgnoreCase(userName)) {
            throw ScimProblem.invalidValue("emails", "the primary email must be the userName (" + userName + "): a guest is known by their address");
        }
        JsonNode extension = attribute(user, GUEST_SCHEMA);
        if (extension != null && !extension.isObject()) {
            throw ScimProblem.invalidValue(GUEST_SCHEMA, "must be an object");
        }
        ObjectNode guest = extension == null ? null : (ObjectNode) extension;
        return new UserInput(userName != null ? userName : email, text(user, "displayName"), text(user, "externalId"), bool(attribute(user, "active"), "active"),
                guest == null ? null : text(guest, "homeTenantId"), guest == null ? null : text(guest, "homeSubject"),
                guest == null ? null : strings(attribute(guest, "sponsors"), GUEST_SCHEMA + ":sponsors"));
    }

    /** A new guest's input, valid by the REST invitation's rules; each error names the SCIM attribute. */
    void validate(UserInput in, String actor) {
        if (in.userName() == null) {
            throw ScimProblem.invalidValue("userName", "is required: the guest's email address");
        }
        for (ConstraintViolation<InviteGuest> violation : validator.validate(in.invitation(actor))) {
            String field = violation.getPropertyPath().toString();
            throw ScimProblem.invalidValue(scimName(field), violation.getMessage());
        }
        if (in.externalId() != null && in.externalId().length() > 255) {
            throw ScimProblem.invalidValue("externalId", "is longer than 255 characters");
        }
    }

    private static String scimName(String field) {
        if (field.startsWith("email")) {
            return "userName";
        }
        if (field.startsWith("homeTenantId") || field.startsWith("homeSubject") || field.startsWith("sponsors")) {
            return GUEST_SCHEMA + ":" + field;
        }
        return field;
    }

    // ---- operations

    @Transactional
    Guest create(UserInput in, String actor) {
        if (Guest.count("lower(email)", in.userName().toLowerCase(Locale.ROOT)) > 0) {
            throw new ScimProblem(409, "uniqueness", "a user with userName " + in.userName() + " exists");
        }
        requireFreeExternalId(in.externalId(), null);
        var partner = inventory.partnerFor(in.homeTenantId(), in.userName().toLowerCase(Locale.ROOT));
        Guest guest = inventory.addGuest(partner.id, new NewGuest(in.userName(), in.displayName(), in.homeTenantId(), in.homeSubject(), in.sponsors(),
                actor, null), actor, "provisioned over SCIM");
        guest.externalId = in.externalId();
        if (Boolean.FALSE.equals(in.active())) {
            revocations.blockOnly(guest, GuestChangeReason.SCIM, "scim: provisioned inactive", actor);
        }
        return guest;
    }

    @Transactional
    Guest replace(UUID id, UserInput in, String actor) {
        Guest guest = lockLive(id);
        // a PUT replaces what it names; the extension (sponsors, home identity), when absent, stays as it is
        apply(guest, new UserInput(in.userName() == null ? guest.email : in.userName(), in.displayName(), in.externalId(), in.active(),
                in.homeTenantId(), in.homeSubject(), in.sponsors() == null ? List.copyOf(guest.sponsors) : in.sponsors()), actor);
        return guest;
    }

    @Transactional
    Guest patch(UUID id, JsonNode body, String actor) {
        Guest guest = lockLive(id);
        Patch patch = new Patch(guest);
        if (body == null || !body.isObject() || !contains(attribute((ObjectNode) body, "schemas"), PATCH_SCHEMA)) {
            throw new ScimProblem(400, "invalidSyntax", "a PATCH body is a PatchOp: schemas must name " + PATCH_SCHEMA);
        }
        JsonNode operations = attribute((ObjectNode) body, "Operations");
        if (operations == null || !operations.isArray() || operations.isEmpty()) {
            throw new ScimProblem(400, "invalidSyntax", "Operations must list at least one operation");
        }
        for (JsonNode operation : operations) {
            patch.apply(operation);
        }
        apply(guest, patch.result(), actor);
        return guest;
    }

    @Transactional
    void delete(UUID id, String actor) {
        Guest guest = lockLive(id);
        revocations.remove(guest, GuestChangeReason.SCIM, "scim: deleted", actor);
    }

    Page list(String filter, Integer startIndex, Integer count) {
        ScimFilter.Jpql where = ScimFilter.parse(filter);
        int start = startIndex == null || startIndex < 1 ? 1 : startIndex;
        int size = count == null ? DEFAULT_COUNT : Math.max(0, Math.min(count, MAX_COUNT));
        String condition = "e.state <> 'REMOVED' and " + where.where();
        TypedQuery<Long> total = em.createQuery("select count(e) from Guest e where " + condition, Long.class);
        TypedQuery<Guest> page = em.createQuery("select e from Guest e where " + condition + " order by e.createdAt, e.id", Guest.class);
        where.parameters().forEach((name, value) -> {
            total.setParameter(name, value);
            page.setParameter(name, value);
        });
        List<Guest> guests = size == 0 ? List.of() : page.setFirstResult(start - 1).setMaxResults(size).getResultList();
        return new Page(total.getSingleResult(), start, guests);
    }

    static final int DEFAULT_COUNT = 100;
    static final int MAX_COUNT = 1000;

    Guest get(UUID id) {
        Guest guest = id == null ? null : Guest.findById(id);
        if (guest == null || guest.state == GuestState.REMOVED) {
            throw new NotFoundProblem("User", id);
        }
        return guest;
    }

    private Guest lockLive(UUID id) {
        Guest guest = id == null ? null : Guest.lock(id).orElse(null);
        if (guest == null || guest.state == GuestState.REMOVED) {
            throw new NotFoundProblem("User", id);
        }
        return guest;
    }

    /** Makes the guest what {@code in} says, each change through the service that owns it. */
    private void apply(Guest guest, UserInput in, String actor) {
        if (in.homeTenantId() != null && !in.homeTenantId().equals(guest.homeTenantId)) {
            throw new ScimProblem(400, "mutability", GUEST_SCHEMA + ":homeTenantId cannot change: the guest is that tenant's person");
        }
        if (in.homeSubject() != null && !in.homeSubject().equals(guest.homeSubject)) {
            throw new ScimProblem(400, "mutability", GUEST_SCHEMA + ":homeSubject cannot change: partner signals find the guest by it");
        }
        InviteGuest asInvitation = new InviteGuest(in.userName(), in.displayName(), guest.homeTenantId, guest.homeSubject, in.sponsors(), actor, null);
        for (ConstraintViolation<InviteGuest> violation : validator.validate(asInvitation)) {
            throw ScimProblem.invalidValue(scimName(violation.getPropertyPath().toString()), violation.getMessage());
        }
        if (in.externalId() != null && in.externalId().length() > 255) {
            throw ScimProblem.invalidValue("externalId", "is longer than 255 characters");
        }
        if (!in.userName().equalsIgnoreCase(guest.email)) {
            // the service's own rule for a new address, said in SCIM's terms
            try {
                inventory.checkNewAddress(guest, in.userName());
            } catch (ConflictProblem e) {
                throw new ScimProblem(409, "uniqueness", "a user with userName " + in.userName() + " exists");
            } catch (BadRequestProblem e) {
                throw ScimProblem.invalidValue("userName", e.getMessage());
            }
        }
        inventory.updateGuest(guest, new GuestDetails(in.userName(), in.displayName(), in.sponsors()), actor, "SCIM", null);
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

    // ---- PATCH (RFC 7644 §3.5.2)

    /** The guest's SCIM attributes as the operations leave them, starting from what they are. */
    private static final class Patch {
        String userName;
        String displayName;
        String externalId;
        Boolean active;
        List<String> sponsors;

        Patch(Guest guest) {
            userName = guest.email;
            displayName = guest.displayName;
            externalId = guest.externalId;
            sponsors = new ArrayList<>(guest.sponsors);
        }

        UserInput result() {
            return new UserInput(userName, displayName, externalId, active, null, null, sponsors);
        }

        void apply(JsonNode operation) {
            if (!operation.isObject()) {
                throw new ScimProblem(400, "invalidSyntax", "each operation is an object with op, path and value");
            }
            ObjectNode op = (ObjectNode) operation;
            String kind = Optional.ofNullable(text(op, "op")).map(s -> s.toLowerCase(Locale.ROOT)).orElse("");
            if (!List.of("add", "replace", "remove").contains(kind)) {
                throw new ScimProblem(400, "invalidSyntax", "op must be add, replace or remove, was '" + text(op, "op") + "'");
            }
            String path = text(op, "path");
            JsonNode value = attribute(op, "value");
            if (path == null) {
                // no path: the value is a set of attributes, each added or replaced
                if (kind.equals("remove") || value == null || !value.isObject()) {
                    throw new ScimProblem(400, kind.equals("remove") ? "noTarget" : "invalidSyntax",
                            kind.equals("remove") ? "remove needs a path" : "without a path, value must be an object of attributes");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> attribute = it.next();
                    if (attribute.getKey().equalsIgnoreCase(GUEST_SCHEMA) && attribute.getValue().isObject()) {
                        attribute.getValue().fields().forEachRemaining(e -> set(kind, GUEST_SCHEMA + ":" + e.getKey(), e.getValue()));
                    } else {
                        set(kind, attribute.getKey(), attribute.getValue());
                    }
                }
                return;
            }
            if (kind.equals("remove")) {
                remove(path);
            } else {
                if (value == null) {
                    throw new ScimProblem(400, "invalidSyntax", kind + " of " + path + " needs a value");
                }
                set(kind, path, value);
            }
        }

        private static final Pattern EMAIL_PATH = Pattern.compile("emails(\\[[^\\]]*\\])?(\\.value)?", Pattern.CASE_INSENSITIVE);
        private static final Pattern SPONSOR_FILTER = Pattern.compile("sponsors\\[\\s*value\\s+eq\\s+\"([^\"]*)\"\\s*\\]", Pattern.CASE_INSENSITIVE);

        private void set(String kind, String rawPath, JsonNode value) {
            String path = withoutUserSchema(rawPath);
            String lower = path.toLowerCase(Locale.ROOT);
            String guestPrefix = GUEST_SCHEMA.toLowerCase(Locale.ROOT) + ":";
            if (lower.equals("active")) {
                active = bool(value, "active");
            } else if (lower.equals("displayname")) {
                displayName = value.isNull() ? null : textValue(value, "displayName");
            } else if (lower.equals("externalid")) {
                externalId = value.isNull() ? null : textValue(value, "externalId");
            } else if (lower.equals("username")) {
                userName = textValue(value, "userName");
            } else if (EMAIL_PATH.matcher(path).matches()) {
                String email = value.isArray() ? primaryEmail(value) : value.isObject() ? textValue(value.get("value"), "emails.value") : textValue(value, path);
                if (email != null) {
                    userName = email;
                }
            } else if (lower.equals(guestPrefix + "sponsors")) {
                List<String> given = strings(value.isArray() ? value : new com.fasterxml.jackson.databind.node.ArrayNode(
                        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance).add(value), GUEST_SCHEMA + ":sponsors");
                if (kind.equals("add")) {
                    given.stream().filter(s -> sponsors.stream().noneMatch(s::equalsIgnoreCase)).forEach(sponsors::add);
                } else {
                    sponsors = new ArrayList<>(given);
                }
            } else if (lower.equals(guestPrefix + "hometenantid") || lower.equals(guestPrefix + "homesubject") || lower.equals("id") || lower.startsWith("meta")
                    || lower.equals(guestPrefix + "partnerid") || lower.equals(guestPrefix + "state") || lower.equals(guestPrefix + "invitedby")) {
                throw new ScimProblem(400, "mutability", rawPath + " cannot be changed");
            } else if (lower.equals("schemas")) {
                // the schemas a client restates: nothing to change
            } else {
                throw new ScimProblem(400, "invalidPath", rawPath + " is not an attribute Portcullis keeps;"
                        + " supported: userName, displayName, externalId, active, emails, " + GUEST_SCHEMA + ":sponsors");
            }
        }

        private void remove(String rawPath) {
            String path = withoutUserSchema(rawPath);
            String lower = path.toLowerCase(Locale.ROOT);
            Matcher sponsor = SPONSOR_FILTER.matcher(lower.startsWith(GUEST_SCHEMA.toLowerCase(Locale.ROOT) + ":")
                    ? path.substring(GUEST_SCHEMA.length() + 1) : path);
            if (lower.equals("displayname")) {
                displayName = null;
            } else if (lower.equals("externalid")) {
                externalId = null;
            } else if (sponsor.matches()) {
                if (!sponsors.removeIf(s -> s.equalsIgnoreCase(sponsor.group(1)))) {
                    throw new ScimProblem(400, "noTarget", "no sponsor " + sponsor.group(1));
                }
            } else if (lower.equals("username") || lower.equals("active") || EMAIL_PATH.matcher(path).matches()
                    || lower.equals(GUEST_SCHEMA.toLowerCase(Locale.ROOT) + ":sponsors")) {
                throw new ScimProblem(400, "mutability", rawPath + " is required and cannot be removed");
            } else {
                throw new ScimProblem(400, "invalidPath", rawPath + " is not an attribute that can be removed");
            }
        }

        private static String withoutUserSchema(String path) {
            return path.regionMatches(true, 0, USER_SCHEMA + ":", 0, USER_SCHEMA.length() + 1) ? path.substring(USER_SCHEMA.length() + 1) : path;
        }
    }

    // ---- writing SCIM bodies

    /** The guest as a SCIM User, with the Portcullis Guest extension. */
    static Map<String, Object> view(Guest guest, String baseUri) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("schemas", List.of(USER_SCHEMA, GUEST_SCHEMA));
        user.put("id", guest.id.toString());
        if (guest.externalId != null) {
            user.put("externalId", guest.externalId);
        }
        user.put("userName", guest.email);
        if (guest.displayName != null) {
            user.put("displayName", guest.displayName);
        }
        user.put("userType", "Guest");
        user.put("active", guest.state == GuestState.INVITED || guest.state == GuestState.ACTIVE);
        user.put("emails", List.of(Map.of("value", guest.email, "type", "work", "primary", true)));
        Map<String, Object> extension = new LinkedHashMap<>();
        extension.put("homeTenantId", guest.homeTenantId);
        if (guest.homeSubject != null) {
            extension.put("homeSubject", guest.homeSubject);
        }
        extension.put("sponsors", guest.sponsors.stream().sorted().toList()); // a set: in one order every time
        extension.put("partnerId", guest.partnerId.toString());
        extension.put("state", guest.state.name());
        extension.put("invitedBy", guest.invitedBy);
        user.put(GUEST_SCHEMA, extension);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("resourceType", "User");
        meta.put("created", guest.createdAt.toString());
        meta.put("lastModified", (guest.modifiedAt == null ? guest.createdAt : guest.modifiedAt).toString());
        meta.put("location", baseUri + "scim/v2/Users/" + guest.id);
        user.put("meta", meta);
        return user;
    }

    // ---- JSON helpers: SCIM attribute names are case-insensitive (RFC 7643 §2.1)

    static JsonNode attribute(ObjectNode node, String name) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String field = names.next();
            if (field.equalsIgnoreCase(name)) {
                return node.get(field);
            }
        }
        return null;
    }

    private static String text(ObjectNode node, String name) {
        JsonNode value = attribute(node, name);
        return value == null || value.isNull() ? null : textValue(value, name);
    }

    private static String textValue(JsonNode value, String name) {
        if (value == null || !value.isTextual()) {
            throw ScimProblem.invalidValue(name, "must be a string");
        }
        return value.textValue();
    }

    /** A boolean; "True" and "False" as strings too, as some provisioning clients (Entra's among them) send them. */
    private static Boolean bool(JsonNode value, String name) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual() && (value.textValue().equalsIgnoreCase("true") || value.textValue().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(value.textValue().toLowerCase(Locale.ROOT));
        }
        throw ScimProblem.invalidValue(name, "must be true or false");
    }

    private static List<String> strings(JsonNode value, String name) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw ScimProblem.invalidValue(name, "must be an array of strings");
        }
        List<String> strings = new ArrayList<>();
        for (JsonNode item : value) {
            // a multi-valued attribute's values may come as {"value": "..."} as well as plain strings
            strings.add(textValue(item.isObject() ? item.get("value") : item, name));
        }
        return strings;
    }

    /** The primary address of an {@code emails} array, else its only one; null without any. */
    private static String primaryEmail(JsonNode emails) {
        if (emails == null || emails.isNull()) {
            return null;
        }
        if (!emails.isArray()) {
            throw ScimProblem.invalidValue("emails", "must be an array");
        }
        String first = null;
        for (JsonNode email : emails) {
            if (!email.isObject()) {
                throw ScimProblem.invalidValue("emails", "each is an object with a value");
            }
            String value = text((ObjectNode) email, "value");
            JsonNode primary = attribute((ObjectNode) email, "primary");
            if (Boolean.TRUE.equals(bool(primary, "emails.primary"))) {
                return value;
            }
            first = first == null ? value : first;
        }
        if (emails.size() > 1 && first != null) {
            throw ScimProblem.invalidValue("emails", "name one primary address when there are several");
        }
        return first;
    }

    private static boolean contains(JsonNode array, String value) {
        if (array == null || !array.isArray()) {
            return false;
        }
        for (JsonNode item : array) {
            if (item.isTextual() && item.textValue().equalsIgnoreCase(value)) {
                return true;
            }
        }
        return false;
    }
}
