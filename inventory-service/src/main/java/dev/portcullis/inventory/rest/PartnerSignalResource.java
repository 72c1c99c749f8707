package dev.portcullis.inventory.rest;

import dev.portcullis.inventory.domain.SignalOutcome;
import dev.portcullis.inventory.domain.SignalType;
import dev.portcullis.backbone.rest.EmailAddress;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.Set;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.inventory.domain.PartnerSignal;
import dev.portcullis.inventory.domain.SignalChannel;
import dev.portcullis.inventory.service.PartnerSignalService;
import dev.portcullis.inventory.service.PartnerSignalService.Receipt;
import dev.portcullis.inventory.service.PartnerSignalService.Signal;
import dev.portcullis.backbone.problem.BadRequestProblem;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/partner-signals")
@Tag(name = "partner signals", description = "What partners say about their people: ACCOUNT_DISABLED ends all their access here, CREDENTIAL_COMPROMISED blocks"
        + " and ends the sensitive part, ACCOUNT_ENABLED lifts a partner's block, ACCOUNT_PURGED removes the guest")
public class PartnerSignalResource {

    @Inject
    PartnerSignalService signals;

    @Inject
    Actor actor;

    @Inject
    SecurityIdentity identity;

    @POST
    @RolesAllowed(Roles.SIGNAL)
    @Operation(summary = "Receive a partner signal", description = "Answers 202 with the signal's id once it is applied, in the same transaction: "
            + "ACCOUNT_DISABLED: the matching guests are BLOCKED and every active grant REVOKED (reason PARTNER_ACCOUNT_DISABLED); "
            + "CREDENTIAL_COMPROMISED: BLOCKED, and the grants on CONFIDENTIAL or more sensitive resources REVOKED (reason PARTNER_CREDENTIAL_COMPROMISED); "
            + "ACCOUNT_ENABLED: a guest a partner signal blocked is unblocked (back to INVITED or ACTIVE; revoked grants stay revoked; an admin's or"
            + " a review's block stays); ACCOUNT_PURGED: the guest is REMOVED and what remains REVOKED (reason GUEST_REMOVED). A removed guest is past"
            + " every signal. "
            + "events follow through the outbox. The guest is matched by homeTenantId plus homeSubject, or plus email. The same statement "
            + "(type, tenant, subject, email, occurredAt) posted again returns the first signal's id and changes nothing. The calling OIDC client "
            + "(its azp) must be one of the partner's signalClients: any other gets 403 and nothing changes.")
    public Response receive(@Valid @NotNull PostSignal request) {
        if ((request.homeSubject() == null || request.homeSubject().isBlank()) && (request.email() == null || request.email().isBlank())) {
            throw new BadRequestProblem("homeSubject", "or email is required to name the guest");
        }
        Receipt receipt = signals.receive(new Signal(request.type(), request.homeTenantId(), request.homeSubject(), request.email(),
                request.occurredAt()), SignalChannel.REST, actor.name(), actor.clientId());
        return Response.accepted(new SignalReceipt(receipt.signal().id, receipt.signal().outcome, receipt.duplicate()))
                .location(URI.create("/api/v1/partner-signals/" + receipt.signal().id))
                .build();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR, Roles.SIGNAL})
    @Operation(summary = "What a signal did", description = "Outcome, guests matched and grants revoked.")
    public SignalView get(@PathParam("id") UUID id) {
        // a signal client sees its own tenants' signals only; another tenant's signal does not exist for it
        return PartnerSignal.<PartnerSignal>findByIdOptional(id)
                .filter(s -> !identity.hasRole(Roles.SIGNAL) || identity.hasRole(Roles.ADMIN) || identity.hasRole(Roles.AUDITOR)
                        || PartnerSignalService.mayReceiveFrom(actor.clientId(), s.homeTenantId))
                .map(SignalView::of).orElseThrow(() -> new NotFoundProblem("signal", id));
    }

    public record PostSignal(
            @NotNull SignalType type,
            @NotBlank @Size(max = 255) String homeTenantId,
            @Size(max = 255) String homeSubject,
            @EmailAddress String email,
            @NotNull Instant occurredAt) {
    }

    public record SignalReceipt(UUID id, SignalOutcome outcome, boolean duplicate) {
    }

    public record SignalView(UUID id, SignalType type, String homeTenantId, String homeSubject, String email, Instant occurredAt,
            Instant receivedAt, String receivedBy, String channel, SignalOutcome outcome, Set<UUID> matchedGuestIds, Set<UUID> revokedGrantIds) {
        static SignalView of(PartnerSignal s) {
            return new SignalView(s.id, s.type, s.homeTenantId, s.homeSubject, s.email, s.occurredAt, s.receivedAt, s.receivedBy,
                    s.channel.name(), s.outcome, s.matchedGuestIds, s.revokedGrantIds);
        }
    }
}
