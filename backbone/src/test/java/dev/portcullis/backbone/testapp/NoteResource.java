package dev.portcullis.backbone.testapp;

import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.rest.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;

/** backbone's test application: the smallest mutating API, so the idempotency keys every service's requests get can be tested alone. */
@Path("/api/v1/test-notes")
@RolesAllowed(Roles.ADMIN)
public class NoteResource {

    public record NewNote(@NotBlank @Size(max = 255) String text) {
    }

    public record Note(UUID id, String text) {
    }

    @Inject
    EntityManager em;

    @POST
    @Transactional
    public Response create(@Valid @NotNull NewNote request) {
        UUID id = Ids.next();
        em.createNativeQuery("insert into test_note (id, text, created_at) values (?1, ?2, ?3)").setParameter(1, id)
                .setParameter(2, request.text()).setParameter(3, Instant.now()).executeUpdate();
        return Response.created(URI.create("/api/v1/test-notes/" + id)).entity(new Note(id, request.text())).build();
    }

    /** Deletes a note: a 409 when it is gone already, so a repeat is told apart from its replay. */
    @DELETE
    @Path("/{id}")
    @Transactional
    public Note delete(@PathParam("id") UUID id) {
        java.util.List<?> deleted = em.createNativeQuery("delete from test_note where id = ?1 returning text").setParameter(1, id).getResultList();
        if (deleted.isEmpty()) {
            throw new ConflictProblem("note " + id + " is gone");
        }
        return new Note(id, (String) deleted.get(0));
    }
}
