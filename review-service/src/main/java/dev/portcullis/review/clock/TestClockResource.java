package dev.portcullis.review.clock;

import dev.portcullis.backbone.rest.Roles;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Moves this instance's clock on a test platform (e2e: "the clock is moved to the end" of a campaign).
 * Only in the {@code test-platform} build (review-service's {@code test-platform} Maven profile, which the e2e tests run); in
 * every other build it does not exist (404). Not part of the API's contract, so not in the OpenAPI document.
 */
@Path("/api/v1/test-clock")
@IfBuildProfile("test-platform")
@RolesAllowed(Roles.ADMIN)
public class TestClockResource {

    private static final Logger LOG = Logger.getLogger(TestClockResource.class);

    public record ClockView(Instant now, Duration offset) {
    }

    public record OffsetRequest(@NotNull Duration offset) {
    }

    @Inject
    MovableClock clock;

    @GET
    public ClockView get() {
        return new ClockView(clock.instant(), clock.offset());
    }

    @PUT
    public ClockView set(@Valid @NotNull OffsetRequest request) {
        clock.offset(request.offset());
        LOG.warnf("the clock of this instance is moved by %s (a test platform)", request.offset());
        return new ClockView(clock.instant(), clock.offset());
    }
}
