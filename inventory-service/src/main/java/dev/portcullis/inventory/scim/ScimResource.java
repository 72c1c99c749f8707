package dev.portcullis.inventory.scim;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.policy.AccessPolicy;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * SCIM 2.0 (RFC 7643, RFC 7644) over the guest inventory, for provisioning systems (role
 * {@code portcullis-scim}). Errors are SCIM error documents ({@link ScimErrors} renders them under
 * {@code /scim/}). Bodies are {@code application/scim+json}; {@code application/json} is accepted too.
 */
@Path("/scim/v2")
@Produces(ScimErrors.MEDIA_TYPE)
@Tag(name = "scim", description = "SCIM 2.0 Users over the guest inventory")
public class ScimResource {

    @Inject
    ScimUsers users;

    @Inject
    ScimUserMapper mapper;

    @Inject
    AccessPolicy policy;

    @Inject
    Actor actor;

    @GET
    @Path("/Users")
    @RolesAllowed(Roles.SCIM)
    @Operation(summary = "List or find users", description = "filter: eq on userName, emails.value, externalId, id or active, joined by and"
            + " (anything else is a 400 invalidFilter). startIndex (1-based; past the end, an empty page) and count (default 100, at most"
            + " 1000). sortBy userName, externalId, displayName, meta.created, meta.lastModified or id, sortOrder ascending (default) or"
            + " descending. attributes or excludedAttributes shape each user. Removed guests are gone.")
    public Map<String, Object> list(@QueryParam("filter") String filter, @QueryParam("startIndex") String startIndex,
            @QueryParam("count") String count, @QueryParam("sortBy") String sortBy, @QueryParam("sortOrder") String sortOrder,
            @QueryParam("attributes") String attributes, @QueryParam("excludedAttributes") String excludedAttributes,
            @jakarta.ws.rs.core.Context UriInfo uri) {
        ScimAttributes shape = ScimAttributes.of(attributes, excludedAttributes);
        ScimUsers.Page page = users.list(filter, integer("startIndex", startIndex), integer("count", count), sortBy, sortOrder);
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("schemas", List.of(ScimUserMapper.LIST_SCHEMA));
        list.put("totalResults", page.total());
        list.put("startIndex", page.startIndex());
        list.put("itemsPerPage", page.guests().size());
        list.put("Resources", page.guests().stream().map(g -> shape.apply(ScimUserMapper.view(g, base(uri)))).toList());
        return list;
    }

    @POST
    @Path("/Users")
    @Consumes({ScimErrors.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @RolesAllowed(Roles.SCIM)
    @Operation(summary = "Provision a guest", description = "userName is the guest's email; the Guest extension carries homeTenantId (required),"
            + " homeSubject and sponsors (1 to 5). Asked of policy-service first, as an invitation is (422 if refused). 409 uniqueness for a"
            + " userName or externalId taken. Publishes guest-invited; active false provisions the guest blocked.")
    public Response create(JsonNode body, @QueryParam("attributes") String attributes, @QueryParam("excludedAttributes") String excludedAttributes,
            @jakarta.ws.rs.core.Context UriInfo uri) {
        ScimAttributes shape = ScimAttributes.of(attributes, excludedAttributes);
        ScimUserMapper.UserInput in = mapper.read(body);
        mapper.validate(in, actor.name());
        policy.checkInvite(in.invitation(actor.name()), null, actor.email(), actor.roles());
        Guest guest = users.create(in, actor.name());
        return user(Response.created(URI.create(base(uri) + "scim/v2/Users/" + guest.id)), guest, shape, uri);
    }

    @GET
    @Path("/Users/{id}")
    @RolesAllowed(Roles.SCIM)
    @Operation(summary = "Get a user", description = "Its version is the ETag (and meta.version); If-None-Match with it is a 304."
            + " attributes or excludedAttributes shape it.")
    public Response get(@PathParam("id") String id, @HeaderParam("If-None-Match") String ifNoneMatch, @QueryParam("attributes") String attributes,
            @QueryParam("excludedAttributes") String excludedAttributes, @jakarta.ws.rs.core.Context UriInfo uri) {
        ScimAttributes shape = ScimAttributes.of(attributes, excludedAttributes);
        Guest guest = users.get(uuid(id));
        String version = ScimUserMapper.version(guest);
        if (ifNoneMatch != null && ScimUsers.matches(ifNoneMatch, version)) {
            return Response.notModified().tag(EntityTag.valueOf(version)).build();
        }
        return user(Response.ok(), guest, shape, uri);
    }

    @PUT
    @Path("/Users/{id}")
    @Consumes({ScimErrors.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @RolesAllowed(Roles.SCIM)
    @Operation(summary = "Replace a user", description = "userName, displayName, externalId and active as given (displayName and externalId"
            + " cleared when absent); the Guest extension's sponsors replaced when given. homeTenantId and homeSubject are immutable (400"
            + " mutability). A changed address, name or sponsors publish guest-updated. With If-Match, a 412 unless it names the user's"
            + " version, and nothing changes.")
    public Response replace(@PathParam("id") String id, JsonNode body, @HeaderParam("If-Match") String ifMatch,
            @QueryParam("attributes") String attributes, @QueryParam("excludedAttributes") String excludedAttributes,
            @jakarta.ws.rs.core.Context UriInfo uri) {
        ScimAttributes shape = ScimAttributes.of(attributes, excludedAttributes);
        return user(Response.ok(), users.replace(uuid(id), mapper.read(body), ifMatch, actor.name()), shape, uri);
    }

    @PATCH
    @Path("/Users/{id}")
    @Consumes({ScimErrors.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @RolesAllowed(Roles.SCIM)
    @Operation(summary = "Patch a user", description = "A PatchOp: add, replace or remove on active, displayName, externalId, userName, emails"
            + " and the Guest extension's sponsors (remove one with sponsors[value eq \"...\"]). active false blocks the guest (revoking their"
            + " grants, guest-blocked); true lifts a block made over SCIM only. All operations apply, or none. With If-Match, a 412 unless"
            + " it names the user's version.")
    public Response patch(@PathParam("id") String id, JsonNode body, @HeaderParam("If-Match") String ifMatch,
            @QueryParam("attributes") String attributes, @QueryParam("excludedAttributes") String excludedAttributes,
            @jakarta.ws.rs.core.Context UriInfo uri) {
        ScimAttributes shape = ScimAttributes.of(attributes, excludedAttributes);
        return user(Response.ok(), users.patch(uuid(id), body, ifMatch, actor.name()), shape, uri);
    }

    @DELETE
    @Path("/Users/{id}")
    @RolesAllowed(Roles.SCIM)
    @Operation(summary = "Delete a user", description = "Removes the guest, as an admin's removal does: grants revoked, guest-removed, personal"
            + " data erased. 404 afterwards. With If-Match, a 412 unless it names the user's version.")
    public Response delete(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
        users.delete(uuid(id), ifMatch, actor.name());
        return Response.noContent().build();
    }

    /** A user's response: shaped as asked, with its version as the ETag. */
    private static Response user(Response.ResponseBuilder response, Guest guest, ScimAttributes shape, UriInfo uri) {
        Map<String, Object> view = ScimUserMapper.view(guest, base(uri));
        String version = (String) ((Map<?, ?>) view.get("meta")).get("version");
        return response.type(ScimErrors.MEDIA_TYPE).tag(EntityTag.valueOf(version)).entity(shape.apply(view)).build();
    }

    // ---- discovery (RFC 7644 §4)

    @GET
    @Path("/ServiceProviderConfig")
    @RolesAllowed({Roles.SCIM, Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "What this SCIM service supports")
    public Map<String, Object> serviceProviderConfig(@jakarta.ws.rs.core.Context UriInfo uri) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"));
        config.put("documentationUri", "https://portcullis.dev/docs/scim");
        config.put("patch", Map.of("supported", true));
        config.put("bulk", Map.of("supported", false, "maxOperations", 0, "maxPayloadSize", 0));
        config.put("filter", Map.of("supported", true, "maxResults", ScimUsers.MAX_COUNT));
        config.put("changePassword", Map.of("supported", false));
        config.put("sort", Map.of("supported", true));
        config.put("etag", Map.of("supported", true));
        config.put("authenticationSchemes", List.of(Map.of("type", "oauthbearertoken", "name", "OAuth Bearer Token",
                "description", "A client-credentials access token with the role portcullis-scim", "primary", true)));
        config.put("meta", Map.of("resourceType", "ServiceProviderConfig", "location", base(uri) + "scim/v2/ServiceProviderConfig"));
        return config;
    }

    @GET
    @Path("/ResourceTypes")
    @RolesAllowed({Roles.SCIM, Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "The resource types: User")
    public Map<String, Object> resourceTypes(@jakarta.ws.rs.core.Context UriInfo uri) {
        return listOf(List.of(userType(uri)));
    }

    @GET
    @Path("/ResourceTypes/{name}")
    @RolesAllowed({Roles.SCIM, Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "One resource type")
    public Map<String, Object> resourceType(@PathParam("name") String name, @jakarta.ws.rs.core.Context UriInfo uri) {
        if (!"User".equals(name)) {
            throw new NotFoundProblem("ResourceType", name);
        }
        return userType(uri);
    }

    @GET
    @Path("/Schemas")
    @RolesAllowed({Roles.SCIM, Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "The schemas: User and the Portcullis Guest extension")
    public Map<String, Object> schemas() {
        return listOf(SCHEMAS);
    }

    @GET
    @Path("/Schemas/{id}")
    @RolesAllowed({Roles.SCIM, Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "One schema")
    public Map<String, Object> schema(@PathParam("id") String id) {
        return SCHEMAS.stream().filter(s -> s.get("id").equals(id)).findFirst().orElseThrow(() -> new NotFoundProblem("Schema", id));
    }

    private static final List<Map<String, Object>> SCHEMAS = loadSchemas();

    private static List<Map<String, Object>> loadSchemas() {
        try (InputStream in = ScimResource.class.getResourceAsStream("/scim/schemas.json")) {
            return new ObjectMapper().readValue(in, new TypeReference<List<Map<String, Object>>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> userType(UriInfo uri) {
        Map<String, Object> type = new LinkedHashMap<>();
        type.put("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:ResourceType"));
        type.put("id", "User");
        type.put("name", "User");
        type.put("description", "A guest");
        type.put("endpoint", "/Users");
        type.put("schema", ScimUserMapper.USER_SCHEMA);
        type.put("schemaExtensions", List.of(Map.of("schema", ScimUserMapper.GUEST_SCHEMA, "required", true)));
        type.put("meta", Map.of("resourceType", "ResourceType", "location", base(uri) + "scim/v2/ResourceTypes/User"));
        return type;
    }

    private static Map<String, Object> listOf(List<Map<String, Object>> resources) {
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("schemas", List.of(ScimUserMapper.LIST_SCHEMA));
        list.put("totalResults", resources.size());
        list.put("startIndex", 1);
        list.put("itemsPerPage", resources.size());
        list.put("Resources", resources);
        return list;
    }

    private static String base(UriInfo uri) {
        return uri.getBaseUri().toString();
    }

    /** An id that is no UUID names no user: 404, as an unknown one does. */
    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new NotFoundProblem("User", id);
        }
    }

    private static Integer integer(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw new ScimProblem(400, "invalidValue", name + " must be an integer");
        }
    }
}
