package dev.portcullis.backbone.admin;

import java.util.Map;
import dev.portcullis.events.ocsf.OcsfMapping.Change;
import dev.portcullis.backbone.outbox.AdminChanges;
import dev.portcullis.backbone.outbox.OutboxEvent;
import dev.portcullis.backbone.outbox.OutboxRelay;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Roles;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Outbox rows Kafka refused for good, for an operator: why, and a retry once the cause (a size limit, an ACL) is fixed. */
@Path("/api/v1/admin/outbox/parked")
@Tag(name = "operations", description = "Dead letters and parked outbox rows")
@RolesAllowed(Roles.ADMIN)
public class ParkedEventResource {

    @Inject
    AdminChanges adminChanges;

    @Inject
    dev.portcullis.backbone.rest.Actor actor;

    @Inject
    EntityManager em;

    @Inject
    OutboxRelay relay;

    public record ParkedEvent(long id, String eventId, String topic, String key, String ceType, Instant occurredAt, Instant parkedAt,
            String error, int payloadLength) {
        static ParkedEvent of(OutboxEvent e) {
            return new ParkedEvent(e.id, e.eventId.toString(), e.topic, e.recordKey, e.ceType, e.occurredAt, e.parkedAt, e.lastError,
                    e.payload.length());
        }
    }

    @GET
    @Operation(summary = "List parked outbox rows", description = "Rows Kafka refused for good (record too large, topic invalid or refused), "
            + "oldest first, at most 500, with the error.")
    public List<ParkedEvent> list() {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                        "select e from OutboxEvent e where e.parkedAt is not null and e.publishedAt is null order by e.id", OutboxEvent.class)
                .setMaxResults(500).getResultList().stream().map(ParkedEvent::of).toList());
    }

    @POST
    @Path("/{id}/retry")
    @Operation(summary = "Publish a parked row again", description = "Unparks the row; the relay publishes it with its key's next batch. 404 if "
            + "no parked row has this id.")
    public ParkedEvent retry(@PathParam("id") long id) {
        ParkedEvent retried = QuarkusTransaction.requiringNew().call(() -> {
            OutboxEvent row = em.find(OutboxEvent.class, id);
            if (row == null || row.parkedAt == null || row.publishedAt != null) {
                throw new NotFoundProblem("parked outbox row", String.valueOf(id));
            }
            ParkedEvent before = ParkedEvent.of(row);
            row.parkedAt = null;
            adminChanges.record(actor.name(), Change.UPDATED, "Parked outbox row", "parked-event-retried", row.eventId, null,
                    Map.of("topic", row.topic, "ceType", row.ceType, "error", String.valueOf(before.error())));
            return before;
        });
        relay.wake();
        return retried;
    }
}
