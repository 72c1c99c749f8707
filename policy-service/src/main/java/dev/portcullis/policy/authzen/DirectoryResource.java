package dev.portcullis.policy.authzen;

import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.InputGuard;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.rest.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The directory (a policy information point): what the decision point knows of subjects and resources that are not Portcullis's. */
@Path("/api/v1/directory/{type}/{id}")
@Tag(name = "directory", description = "Attributes of subjects and resources that are not Portcullis's guests and resources, for policies to decide on")
public class DirectoryResource {

    @Inject
    Directory directory;

    @Inject
    Actor actor;

    public record PutEntry(@NotNull Map<String, Object> properties) {
    }

    @PUT
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Write an entity's attributes", description = "{properties: {...}} replaces what the directory holds for the subject"
            + " or resource (type and id as an AuthZEN request names it: a user by an opaque PID, a record by its number). A decision about it"
            + " reads these attributes under the request's own (the request's win a clash), a subject found by its id or else by its identity"
            + " attribute; the searches find their candidates of a type here. At most 16,384 characters of JSON.")
    public Directory.Entry put(@PathParam("type") String type, @PathParam("id") String id, @Valid @NotNull PutEntry entry) {
        check(type, id);
        return directory.put(type, id, entry.properties(), actor.name());
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "Read an entity's attributes", description = "404 if the directory does not hold it.")
    public Directory.Entry get(@PathParam("type") String type, @PathParam("id") String id) {
        check(type, id);
        return directory.find(type, id).orElseThrow(() -> new NotFoundProblem("directory entry", type + "/" + id));
    }

    @DELETE
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Forget an entity", description = "204; 404 if the directory did not hold it.")
    public Response delete(@PathParam("type") String type, @PathParam("id") String id) {
        check(type, id);
        if (!directory.delete(type, id, actor.name())) {
            throw new NotFoundProblem("directory entry", type + "/" + id);
        }
        return Response.noContent().build();
    }

    /** Path parameters are not the edge's InputGuard's (it checks bodies and queries): a NUL would reach PostgreSQL. */
    private static void check(String type, String id) {
        if (InputGuard.hasControlCharacters(type, false)) {
            throw new BadRequestProblem("type", "must not hold control characters");
        }
        if (InputGuard.hasControlCharacters(id, false)) {
            throw new BadRequestProblem("id", "must not hold control characters");
        }
        if (type.length() > 255) {
            throw new BadRequestProblem("type", "must be at most 255 characters");
        }
        if (id.length() > 1024) {
            throw new BadRequestProblem("id", "must be at most 1024 characters");
        }
    }
}
