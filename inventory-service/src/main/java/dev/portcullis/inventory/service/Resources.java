package dev.portcullis.inventory.service;

import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.EmailAddress;
import dev.portcullis.events.ResourceUpserted;
import dev.portcullis.events.Sensitivity;
import dev.portcullis.inventory.domain.Resource;
import dev.portcullis.inventory.domain.ResourceType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Resources and their owners. Every change is committed with its event, so every read model and the policies' re-check follow. */
@ApplicationScoped
public class Resources {

    private static final Logger LOG = Logger.getLogger(Resources.class);

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    AuditTrail audit;

    public record CreateResource(
            @NotBlank @Size(max = 255) String name,
            @NotNull ResourceType type,
            @NotNull Sensitivity sensitivity,
            @Size(max = 255) String scenarioId,
            @NotEmpty @Size(max = 20) List<@NotBlank @EmailAddress String> owners) {
    }

    /** A partial change: what is absent stays. */
    public record PatchResource(
            @Size(min = 1, max = 255) String name,
            ResourceType type,
            Sensitivity sensitivity,
            @Size(min = 1, max = 255) String scenarioId,
            @Size(min = 1, max = 20, message = "a resource has 1 to 20 owners") List<@NotBlank @EmailAddress String> owners) {
    }

    @Transactional
    public Resource create(CreateResource request, String actor) {
        if (Resource.count("lower(name) = lower(?1)", request.name()) > 0) {
            throw new ConflictProblem("a resource named " + request.name() + " exists");
        }
        Resource resource = new Resource();
        resource.id = Ids.next();
        resource.name = request.name();
        resource.type = request.type();
        resource.sensitivity = request.sensitivity();
        resource.scenarioId = request.scenarioId();
        request.owners().forEach(o -> resource.owners.add(o.toLowerCase(Locale.ROOT)));
        resource.createdAt = clock.instant();
        resource.persist();
        outbox.publish(new ResourceUpserted(resource.id.toString(), resource.name, resource.type.name(), resource.sensitivity.name(),
                resource.scenarioId, List.copyOf(resource.owners), actor, "created"));
        audit.record(AuditTrail.change("RESOURCE_CREATED", actor).resource(resource.id).detail("name", resource.name).detail("type", resource.type)
                .detail("sensitivity", resource.sensitivity).detail("scenarioId", resource.scenarioId).detail("owners", resource.owners));
        LOG.infof("resource=%s created sensitivity=%s", resource.id, resource.sensitivity);
        return resource;
    }

    /** Changes a resource; what is absent stays. Publishes resource-upserted, so every read model and the policies' re-check follow. */
    @Transactional
    public Resource patch(UUID resourceId, PatchResource request, String actor) {
        Resource resource = Optional.ofNullable(Resource.getEntityManager().find(Resource.class, resourceId, LockModeType.PESSIMISTIC_WRITE))
                .orElseThrow(() -> new NotFoundProblem("resource", resourceId));
        if (request.name() != null && !request.name().equalsIgnoreCase(resource.name)
                && Resource.count("lower(name) = lower(?1) and id <> ?2", request.name(), resourceId) > 0) {
            throw new ConflictProblem("a resource named " + request.name() + " exists");
        }
        AuditTrail.Change change = AuditTrail.change("RESOURCE_UPDATED", actor).resource(resourceId);
        if (request.name() != null) {
            change.detail("name", request.name()).detail("nameBefore", resource.name);
            resource.name = request.name();
        }
        if (request.type() != null) {
            change.detail("type", request.type()).detail("typeBefore", resource.type);
            resource.type = request.type();
        }
        if (request.sensitivity() != null) {
            change.detail("sensitivity", request.sensitivity()).detail("sensitivityBefore", resource.sensitivity);
            resource.sensitivity = request.sensitivity();
        }
        if (request.scenarioId() != null) {
            change.detail("scenarioId", request.scenarioId()).detail("scenarioIdBefore", resource.scenarioId);
            resource.scenarioId = request.scenarioId();
        }
        if (request.owners() != null) {
            change.detail("owners", request.owners()).detail("ownersBefore", List.copyOf(resource.owners));
            resource.owners.clear();
            request.owners().forEach(o -> resource.owners.add(o.toLowerCase(Locale.ROOT)));
        }
        outbox.publish(new ResourceUpserted(resource.id.toString(), resource.name, resource.type.name(), resource.sensitivity.name(),
                resource.scenarioId, List.copyOf(resource.owners), actor, "updated"));
        audit.record(change);
        LOG.infof("resource=%s updated by %s", resource.id, actor);
        return resource;
    }
}
