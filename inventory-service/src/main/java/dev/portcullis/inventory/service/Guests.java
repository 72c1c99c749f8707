package dev.portcullis.inventory.service;

import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.EmailAddress;
import dev.portcullis.events.GuestInvited;
import dev.portcullis.events.GuestUpdated;
import dev.portcullis.inventory.domain.GuestChangeReason;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.GuestState;
import dev.portcullis.inventory.domain.Partner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Guests: invited, added, changed, blocked, unblocked and removed. Every change is committed with its event and audit record. */
@ApplicationScoped
public class Guests {

    private static final Logger LOG = Logger.getLogger(Guests.class);

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    AuditTrail audit;

    @Inject
    PersonalData personalData;

    @Inject
    Revocations revocations;

    @Inject
    Partners partners;

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

    /** A guest to add: what an invitation or an import row says. */
    public record NewGuest(String email, String displayName, String homeTenantId, String homeSubject, List<String> sponsors, String invitedBy,
            Instant lastSignInAt) {
    }

    /** What a guest's details become: each one as it is to be (the caller fills in what stays). */
    public record GuestDetails(String email, String displayName, List<String> sponsors) {
    }

    /**
     * Invites a guest. The partner is found by home tenant, else by email domain; a guest from an
     * organization nobody configured creates a PROPOSED partner (as Entra does), which policies
     * scoped to connected partners do not match.
     */
    @Transactional
    public Guest invite(InviteGuest request, String actor) {
        String email = request.email().toLowerCase(Locale.ROOT);
        if (Guest.count("lower(email)", email) > 0) {
            throw new ConflictProblem("a guest with email " + email + " exists");
        }
        Partner partner = partners.partnerFor(request.homeTenantId(), email);
        return addGuest(partner.id, new NewGuest(email, request.displayName(), request.homeTenantId(), request.homeSubject(), request.sponsors(),
                request.invitedBy() == null ? actor : request.invitedBy(), null), actor, "invited");
    }

    /** Adds the guest with its event (guest-invited; the sign-in publisher adds guest-signed-in for one who signed in before) and its audit record. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Guest addGuest(UUID partnerId, NewGuest in, String actor, String reason) {
        Guest guest = new Guest();
        guest.id = Ids.next();
        guest.email = in.email().toLowerCase(Locale.ROOT);
        guest.displayName = in.displayName();
        guest.homeTenantId = in.homeTenantId();
        guest.homeSubject = in.homeSubject();
        guest.partnerId = partnerId;
        guest.state = in.lastSignInAt() == null ? GuestState.INVITED : GuestState.ACTIVE;
        guest.lastSignInAt = in.lastSignInAt();
        guest.sponsors = new LinkedHashSet<>(in.sponsors().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
        guest.invitedBy = in.invitedBy();
        guest.createdAt = clock.instant();
        guest.persist();
        if (in.lastSignInAt() != null) {
            // one who signed in before (an import) is active: the sign-in publisher says so, as for any activation
            dev.portcullis.inventory.domain.SignInPending.activation(guest.id, in.lastSignInAt(), guest.createdAt).persist();
        }
        personalData.prepareKey(guest.id);
        outbox.publish(new GuestInvited(guest.id.toString(), guest.email, guest.displayName, partnerId.toString(), guest.homeTenantId,
                guest.homeSubject, List.copyOf(guest.sponsors), guest.createdAt, actor, reason));
        audit.record(AuditTrail.change("GUEST_INVITED", actor).guest(guest).reason(reason).detail("partnerId", partnerId)
                .detail("homeTenantId", guest.homeTenantId).detail("sponsors", guest.sponsors).detail("invitedBy", guest.invitedBy)
                .detail("lastSignInAt", guest.lastSignInAt));
        LOG.debugf("guest=%s added partner=%s by=%s (%s)", guest.id, partnerId, actor, reason);
        return guest;
    }

    /**
     * Changes a guest's address, display name or sponsors (SCIM, or a partner's RISC identifier-changed):
     * {@code guest-updated} naming what changed, and an audit record with the details as they now are.
     * A new address must be nobody else's (409) and not another partner's domain (400). Returns what
     * changed; nothing, and no event, if nothing did.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<String> updateGuest(Guest guest, GuestDetails to, String actor, String reason, String cause) {
        if (guest.state == GuestState.REMOVED) {
            throw new ConflictProblem("guest " + guest.id + " is REMOVED");
        }
        String email = to.email().toLowerCase(Locale.ROOT);
        LinkedHashSet<String> sponsors = new LinkedHashSet<>(to.sponsors().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
        if (sponsors.isEmpty() || sponsors.size() > 5) {
            throw new BadRequestProblem("sponsors", "a guest has 1 to 5 sponsors");
        }
        List<String> changed = new ArrayList<>();
        if (!email.equals(guest.email)) {
            checkNewAddress(guest, email);
            guest.email = email;
            changed.add("email");
        }
        if (!Objects.equals(to.displayName(), guest.displayName)) {
            guest.displayName = to.displayName();
            changed.add("displayName");
        }
        if (!sponsors.equals(new LinkedHashSet<>(guest.sponsors))) {
            guest.sponsors.clear();
            guest.sponsors.addAll(sponsors);
            changed.add("sponsors");
        }
        if (changed.isEmpty()) {
            return changed;
        }
        outbox.publish(new GuestUpdated(guest.id.toString(), guest.email, guest.displayName, List.copyOf(guest.sponsors), List.copyOf(changed),
                reason, cause, clock.instant(), actor));
        audit.record(AuditTrail.change("GUEST_UPDATED", actor).guest(guest).reason(reason).cause(cause).detail("changed", changed)
                .detail("sponsors", guest.sponsors));
        LOG.infof("guest=%s updated %s by=%s (%s)", guest.id, changed, actor, reason);
        return changed;
    }

    /**
     * Whether the guest may take this address: nobody else's (409), and not another partner's domain (400). Not transactional, so
     * a caller inside its own transaction may ask first and go on with the refusal (a thrown exception through a transactional
     * method would mark the transaction for rollback).
     */
    public void checkNewAddress(Guest guest, String email) {
        if (Guest.count("lower(email) = ?1 and id <> ?2", email.toLowerCase(Locale.ROOT), guest.id) > 0) {
            throw new ConflictProblem("a guest with email " + email + " exists");
        }
        String domain = email.substring(email.indexOf('@') + 1);
        Partner.byDomain(domain).filter(p -> !p.id.equals(guest.partnerId)).ifPresent(p -> {
            throw new BadRequestProblem("email", "its domain " + domain + " belongs to partner " + p.id + ", not to the guest's");
        });
    }

    /** An admin's block: blocked (reason ADMIN, never lifted by a signal or a job), every grant revoked (MANUAL). 409 if blocked or removed already. */
    @Transactional
    public Guest block(UUID guestId, String reason, String actor) {
        Guest guest = Guest.lock(guestId).orElseThrow(() -> new NotFoundProblem("guest", guestId));
        if (guest.state == GuestState.BLOCKED || guest.state == GuestState.REMOVED) {
            throw new ConflictProblem("guest " + guestId + " is " + guest.state + " already");
        }
        revocations.blockAndRevokeAll(guest, GuestChangeReason.ADMIN, cause(reason), actor);
        return guest;
    }

    /** An admin lifts any block; revoked grants stay revoked. 409 unless blocked. */
    @Transactional
    public Guest unblock(UUID guestId, String reason, String actor) {
        Guest guest = Guest.lock(guestId).orElseThrow(() -> new NotFoundProblem("guest", guestId));
        if (!revocations.unblock(guest, GuestChangeReason.ADMIN, cause(reason), actor)) {
            throw new ConflictProblem("guest " + guestId + " is " + guest.state + ", not BLOCKED");
        }
        return guest;
    }

    /** An admin removes a guest, revoking what remains. 409 if removed already. */
    @Transactional
    public Guest remove(UUID guestId, String reason, String actor) {
        Guest guest = Guest.lock(guestId).orElseThrow(() -> new NotFoundProblem("guest", guestId));
        if (revocations.remove(guest, GuestChangeReason.ADMIN, cause(reason), actor).isEmpty()) {
            throw new ConflictProblem("guest " + guestId + " is REMOVED already");
        }
        return guest;
    }

    /** The admin's words as the cause the events carry. */
    private static String cause(String reason) {
        return reason == null || reason.isBlank() ? null : "admin: " + (reason.length() > 240 ? reason.substring(0, 240) : reason);
    }
}
