package dev.portcullis.inventory.rest;

import jakarta.validation.constraints.Size;
import java.util.List;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.inventory.service.SignInActivity.SignIn;
import dev.portcullis.inventory.service.SignInActivity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/sign-ins")
@Tag(name = "sign-ins", description = "Guests' sign-in activity, from the identity provider's sign-in log")
public class SignInResource {

    /** Clocks disagree a little; a sign-in further ahead than this is a mistake, not skew. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    @Inject
    SignInActivity activity;

    @Inject
    Clock clock;

    @Inject
    Actor actor;

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Record sign-ins", description = "A batch of 1 to 10,000 records, each naming the guest by guestId or by homeTenantId"
            + " and homeSubject, with the sign-in's time. A guest's lastSignInAt only moves forward (an older record changes nothing); the first"
            + " sign-in of an INVITED guest makes it ACTIVE. guest-signed-in is published aggregated, by a publisher beside the request"
            + " (the answer never waits for it): at most one per guest per portcullis.inventory.sign-ins.publish-interval (1 h) with the"
            + " latest time, and within a second of an activation. A record that names nobody, or a REMOVED guest,"
            + " is reported in unmatched by its index; the rest apply. A malformed record, or one more than 5 minutes in the future, is a 400"
            + " naming it, and nothing of the batch applies.")
    public SignInActivity.Result record(@Valid @NotNull SignInBatch batch) {
        Instant latestAllowed = clock.instant().plus(CLOCK_SKEW);
        for (int i = 0; i < batch.records().size(); i++) {
            SignIn record = batch.records().get(i);
            if (record.guestId() == null && (isBlank(record.homeTenantId()) || isBlank(record.homeSubject()))) {
                throw new BadRequestProblem("records[" + i + "]", "needs guestId, or homeTenantId and homeSubject");
            }
            if (record.at().isAfter(latestAllowed)) {
                throw new BadRequestProblem("records[" + i + "].at", "is in the future");
            }
        }
        return activity.ingest(batch.records(), actor.name());
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    public record SignInBatch(@NotNull @Size(min = 1, max = 10_000, message = "a batch holds 1 to 10000 records") List<@NotNull @Valid SignIn> records) {
    }
}
