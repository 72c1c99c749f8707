package dev.portcullis.inventory.rest;

import dev.portcullis.inventory.domain.AccessGrant;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.GuestState;
import dev.portcullis.inventory.domain.GrantState;
import dev.portcullis.inventory.domain.Partner;
import dev.portcullis.inventory.domain.PartnerSignal;
import dev.portcullis.inventory.domain.PartnerState;
import dev.portcullis.inventory.domain.Resource;
import dev.portcullis.inventory.domain.ResourceType;
import dev.portcullis.events.Sensitivity;
import dev.portcullis.inventory.domain.SignalOutcome;
import dev.portcullis.inventory.domain.SignalType;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.backbone.rest.EmailAddress;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The request and response bodies of inventory-service; entities never leave the service. */
public final class Dtos {

    private Dtos() {
    }

    public record CreatePartner(
            @NotBlank @Size(max = 255) String name,
            @NotBlank @Size(max = 255) String tenantId,
            @NotNull @Size(max = 50) List<@NotBlank @Size(max = 253) @Pattern(regexp = "^[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$", message = "must be a domain name") String> domains,
            PartnerState state,
            @Size(max = 20) List<@NotBlank @Size(max = 255) String> signalClients) {
    }

    /** A partial change: what is absent stays. */
    public record PatchPartner(
            @Size(min = 1, max = 255) String name,
            @Size(min = 1, max = 50) List<@NotBlank @Size(max = 253) @Pattern(regexp = "^[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$", message = "must be a domain name") String> domains,
            PartnerState state,
            @Size(max = 20) List<@NotBlank @Size(max = 255) String> signalClients) {
    }

    public record PartnerView(UUID id, String name, String tenantId, Set<String> domains, PartnerState state, Set<String> signalClients,
            Instant createdAt) {
        static PartnerView of(Partner p) {
            return new PartnerView(p.id, p.name, p.tenantId, p.domains, p.state, p.signalClients, p.createdAt);
        }
    }

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

    public record ResourceView(UUID id, String name, ResourceType type, Sensitivity sensitivity, String scenarioId, Set<String> owners, Instant createdAt) {
        static ResourceView of(Resource r) {
            return new ResourceView(r.id, r.name, r.type, r.sensitivity, r.scenarioId, r.owners, r.createdAt);
        }
    }

    public record InviteGuest(
            @NotBlank @EmailAddress String email,
            @Size(max = 255) String displayName,
            @NotBlank @Size(max = 255) String homeTenantId,
            @Size(max = 255) String homeSubject,
            @NotEmpty @Size(max = 5, message = "a guest has 1 to 5 sponsors") List<@NotBlank @EmailAddress String> sponsors,
            @Size(max = 255) String invitedBy,
            UUID resourceId) {

        /** The same invitation, recorded as made by {@code inviter}. */
        public InviteGuest invitedBy(String inviter) {
            return new InviteGuest(email, displayName, homeTenantId, homeSubject, sponsors, inviter, resourceId);
        }
    }

    public record GuestView(UUID id, String email, String displayName, String homeTenantId, String homeSubject, UUID partnerId,
            GuestState state, Set<String> sponsors, String invitedBy, Instant createdAt, Instant lastSignInAt, Instant blockedAt,
            String blockedReason, Instant removedAt, String removedReason, List<GrantView> activeGrants) {
        static GuestView of(Guest g, List<GrantView> activeGrants) {
            return new GuestView(g.id, g.email, g.displayName, g.homeTenantId, g.homeSubject, g.partnerId, g.state, g.sponsors,
                    g.invitedBy, g.createdAt, g.lastSignInAt, g.blockedAt, g.blockedReason == null ? null : g.blockedReason.name(), g.removedAt,
                    g.removedReason == null ? null : g.removedReason.name(), activeGrants);
        }
    }

    /** One sign-in: the guest by id, or by home tenant and subject (as the IdP's sign-in log names them). */
    public record SignIn(
            UUID guestId,
            @Size(max = 255) String homeTenantId,
            @Size(max = 255) String homeSubject,
            @NotNull Instant at) {
    }

    public record SignInBatch(@NotNull @Size(min = 1, max = 10_000, message = "a batch holds 1 to 10000 records") List<@NotNull @Valid SignIn> records) {
    }

    public record CreateGrant(
            @NotNull UUID guestId,
            @NotNull UUID resourceId,
            @NotBlank @Size(max = 255) String role,
            @Future Instant expiresAt,
            @NotBlank @Size(max = 1000) String justification) {
    }

    public record RevokeGrant(@Size(max = 1000) String reason) {
    }

    public record GrantView(UUID id, UUID guestId, UUID resourceId, String role, GrantState state, String justification,
            Instant grantedAt, String grantedBy, Instant expiresAt, Instant revokedAt, RevocationReason revokedReason, String revokedBy,
            String revocationCause, String revocationNote) {
        static GrantView of(AccessGrant g) {
            return new GrantView(g.id, g.guestId, g.resourceId, g.role, g.state, g.justification, g.grantedAt, g.grantedBy, g.expiresAt,
                    g.revokedAt, g.revokedReason, g.revokedBy, g.revocationCause, g.revocationNote);
        }
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
