package dev.portcullis.inventory.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.GuestState;
import dev.portcullis.inventory.service.Guests.InviteGuest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
/**
 * SCIM's side of a guest: a SCIM User body read into what Portcullis keeps of it (checked by the invitation's own rules, named in
 * SCIM's terms), a PatchOp applied to it, and the guest written back as a SCIM User (RFC 7643 §4.1, with the Portcullis Guest
 * extension). Attribute names are case-insensitive, as RFC 7643 §2.1 says.
 */
@ApplicationScoped
public class ScimUserMapper {

    static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
    static final String GUEST_SCHEMA = "urn:ietf:params:scim:schemas:extension:portcullis:2.0:Guest";
    static final String LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    static final String PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

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

    /** A new guest's input, valid by the invitation's rules; each error names the SCIM attribute. */
    void validate(UserInput in, String actor) {
        if (in.userName() == null) {
            throw ScimProblem.invalidValue("userName", "is required: the guest's email address");
        }
        requireValid(in, actor);
    }

    /** The input, valid by the invitation's rules (the service's own) and SCIM's externalId length; each error names the SCIM attribute. */
    void requireValid(UserInput in, String actor) {
        for (ConstraintViolation<InviteGuest> violation : validator.validate(in.invitation(actor))) {
            throw ScimProblem.invalidValue(scimName(violation.getPropertyPath().toString()), violation.getMessage());
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

    // ---- PATCH (RFC 7644 §3.5.2)

    /** The guest's SCIM attributes as a PatchOp body's operations leave them. */
    static UserInput patched(Guest guest, JsonNode body) {
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
        return patch.result();
    }


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
        String version = version(user);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("resourceType", "User");
        meta.put("created", guest.createdAt.toString());
        meta.put("lastModified", (guest.modifiedAt == null ? guest.createdAt : guest.modifiedAt).toString());
        meta.put("location", baseUri + "scim/v2/Users/" + guest.id);
        meta.put("version", version);
        user.put("meta", meta);
        return user;
    }

    /** The user's version (RFC 7644 §3.14), a weak ETag: the digest of what a client reads of it, so any change it could see changes it. */
    static String version(Guest guest) {
        return (String) ((Map<?, ?>) view(guest, "").get("meta")).get("version");
    }

    private static String version(Map<String, Object> user) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(VERSIONS.writeValueAsBytes(user));
            return "W/\"" + java.util.HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (java.security.NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper VERSIONS = new com.fasterxml.jackson.databind.ObjectMapper();

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
