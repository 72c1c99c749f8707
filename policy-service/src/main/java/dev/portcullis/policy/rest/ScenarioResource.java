package dev.portcullis.policy.rest;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.outbox.AdminChanges;
import dev.portcullis.events.ocsf.OcsfMapping.Change;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.rest.ListQuery;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.policy.domain.Scenario;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/scenarios")
@Tag(name = "scenarios", description = "Sets of resources, each with its control model")
public class ScenarioResource {

    @Inject
    EntityManager em;

    @Inject
    Actor actor;

    @Inject
    AdminChanges adminChanges;

    @Inject
    Clock clock;

    public record CreateScenario(@NotBlank @Size(max = 255) String name, @NotNull Scenario.ControlModel controlModel,
            @Size(max = 2000) String description) {
    }

    public record ScenarioView(UUID id, String name, Scenario.ControlModel controlModel, String description, Instant createdAt, String createdBy) {
        static ScenarioView of(Scenario s) {
            return new ScenarioView(s.id, s.name, s.controlModel, s.description, s.createdAt, s.createdBy);
        }
    }

    @POST
    @Transactional
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a scenario", description = "controlModel: IT_GOVERNED, DELEGATED or SELF_SERVICE. Names are unique (409).")
    public Response create(@Valid @NotNull CreateScenario request) {
        if (Scenario.count("name", request.name()) > 0) {
            throw new ConflictProblem("a scenario named " + request.name() + " exists");
        }
        Scenario scenario = new Scenario();
        scenario.id = Ids.next();
        scenario.name = request.name();
        scenario.controlModel = request.controlModel();
        scenario.description = request.description();
        scenario.createdAt = clock.instant();
        scenario.createdBy = actor.name();
        scenario.persist();
        adminChanges.record(scenario.createdBy, Change.CREATED, "Scenario", "scenario-created", scenario.id, scenario.name,
                Map.of("controlModel", scenario.controlModel.name()));
        return Response.created(URI.create("/api/v1/scenarios/" + scenario.id)).entity(ScenarioView.of(scenario)).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "List scenarios", description = "Filter by controlModel. Keyset-paged.")
    public Page<ScenarioView> list(@QueryParam("controlModel") String controlModel, @QueryParam("limit") @Parameter(description = "page size", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) String limit,
            @QueryParam("cursor") String cursor) {
        return ListQuery.of(Scenario.class).filter("e.controlModel = :model", "model", QueryParams.enumValue(Scenario.ControlModel.class, "controlModel", controlModel))
                .page(em, limit, cursor, s -> s.id, ScenarioView::of);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "Get a scenario")
    public ScenarioView get(@PathParam("id") UUID id) {
        return Scenario.<Scenario>findByIdOptional(id).map(ScenarioView::of).orElseThrow(() -> new NotFoundProblem("scenario", id));
    }
}
