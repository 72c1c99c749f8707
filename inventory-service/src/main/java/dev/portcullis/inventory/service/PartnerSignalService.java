package dev.portcullis.inventory.service;

import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.work.SinglePass;
import dev.portcullis.events.ocsf.OcsfMapping;
import dev.portcullis.events.Sensitivity;
import dev.portcullis.inventory.domain.GuestChangeReason;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.GuestState;
import dev.portcullis.inventory.domain.Partner;
import dev.portcullis.inventory.domain.PartnerSignal;
import dev.portcullis.backbone.inbox.PoisonMessageException;
import dev.portcullis.inventory.domain.SignalChannel;
import dev.portcullis.inventory.domain.SignalOutcome;
import dev.portcullis.inventory.domain.SignalType;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.quarkus.security.ForbiddenException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Applies what a partner says about one of its people, in the transaction that records the signal:
 * an account disabled at home blocks the guest here and revokes every active grant; a compromised
 * credential blocks and revokes the sensitive grants; an account enabled again lifts a partner's
 * block; an account purged removes the guest.
 */
@ApplicationScoped
public class PartnerSignalService {

    private static final Logger LOG = Logger.getLogger(PartnerSignalService.class);

    @Inject
    SinglePass singlePass;

    @Inject
    Revocations revocations;

    @Inject
    Partners partners;

    @Inject
    Clock clock;

    @Inject
    AuditTrail audit;

    @Inject
    MeterRegistry metrics;

    @Inject
    Outbox outbox;

    /** What a partner said, whichever channel it came by. */
    public record Signal(SignalType type, String homeTenantId, String homeSubject, String email, Instant occurredAt) {
    }

    /** The signal as recorded; {@code duplicate} when the same statement had arrived before and nothing was done again. */
    public record Receipt(PartnerSignal signal, boolean duplicate) {
    }

    /** Whether {@code clientId} may speak for {@code tenantId}: it is one of that partner's signal clients. */
    public static boolean mayReceiveFrom(String clientId, String tenantId) {
        return clientId != null && Partner.byTenant(tenantId).map(p -> p.signalClients.contains(clientId)).orElse(false);
    }

    /**
     * What one signal does to one matched guest; whether it changed anything. A removed guest is past
     * every signal. Disabled: blocked, every grant revoked. Credential compromised: blocked, the grants
     * on CONFIDENTIAL or more sensitive resources revoked (the rest wait, blocked, for a review or an
     * ACCOUNT_ENABLED). Enabled: unblocked, only if a partner signal blocked the guest (an admin's or a
     * review's block stays); nothing revoked comes back. Purged: removed, what remains revoked.
     */
    private boolean apply(SignalType type, Guest guest, PartnerSignal signal, String actor) {
        if (guest.state == GuestState.REMOVED) {
            return false;
        }
        String cause = signal.id.toString();
        return switch (type) {
            case ACCOUNT_DISABLED -> record(signal, revocations.blockAndRevokeAll(guest, GuestChangeReason.PARTNER_ACCOUNT_DISABLED, cause, actor));
            case CREDENTIAL_COMPROMISED -> record(signal, revocations.blockAndRevoke(guest, GuestChangeReason.PARTNER_CREDENTIAL_COMPROMISED, cause,
                    actor, resource -> resource.sensitivity.compareTo(Sensitivity.CONFIDENTIAL) >= 0));
            case ACCOUNT_ENABLED -> guest.state == GuestState.BLOCKED && guest.blockedReason.liftedByPartnerSignals()
                    && revocations.unblock(guest, GuestChangeReason.PARTNER_ACCOUNT_ENABLED, cause, actor);
            case ACCOUNT_PURGED -> revocations.remove(guest, GuestChangeReason.PARTNER_ACCOUNT_PURGED, cause, actor).map(revoked -> {
                signal.revokedGrantIds.addAll(revoked);
                return true;
            }).orElse(false);
        };
    }

    private static boolean record(PartnerSignal signal, Revocations.Blocked blocked) {
        signal.revokedGrantIds.addAll(blocked.revokedGrantIds());
        return blocked.changedAnything();
    }

    /**
     * Applies a signal. {@code clientId} is who sent it: the OIDC client over REST, {@code kafka:<connector>} for a
     * connector's topic. It must be one of the partner's signal clients, or nothing happens: 403 over REST, a dead
     * letter on Kafka. A SET's sender was proven by the partner's own transmitter key (null here).
     */
    @Transactional
    public Receipt receive(Signal in, SignalChannel channel, String actor, String clientId) {
        if (channel != SignalChannel.SSF && !mayReceiveFrom(clientId, in.homeTenantId())) {
            LOG.warnf("signal refused: client=%s may not signal for tenant=%s", clientId, in.homeTenantId());
            String refusal = "client " + clientId + " may not send signals for tenant " + in.homeTenantId();
            throw channel == SignalChannel.KAFKA ? new PoisonMessageException(refusal) : new ForbiddenException(refusal);
        }
        String dedupeKey = PartnerSignal.dedupeKey(in.type(), in.homeTenantId(), in.homeSubject(), in.email(), in.occurredAt());
        // the same statement arriving twice at once: the second waits here until the first committed, then finds it
        singlePass.take("inventory:signal:" + dedupeKey);
        Optional<PartnerSignal> earlier = PartnerSignal.byDedupeKey(dedupeKey);
        if (earlier.isPresent()) {
            LOG.infof("signal=%s repeated channel=%s: nothing to do", earlier.get().id, channel);
            return new Receipt(earlier.get(), true);
        }
        PartnerSignal signal = new PartnerSignal();
        signal.id = Ids.next();
        signal.type = in.type();
        signal.homeTenantId = in.homeTenantId();
        signal.homeSubject = in.homeSubject();
        signal.email = in.email();
        signal.occurredAt = in.occurredAt();
        signal.receivedAt = clock.instant();
        signal.receivedBy = actor;
        signal.channel = channel;
        signal.dedupeKey = dedupeKey;
        partners.signalReceived(in.homeTenantId(), signal.receivedAt); // its offboarding reaches us: the posture counts the partner connected

        List<Guest> guests = Guest.lockByHomeIdentity(in.homeTenantId(), in.homeSubject(), in.email());
        guests.forEach(g -> signal.matchedGuestIds.add(g.id));
        socRecords(signal, guests, actor);
        if (guests.isEmpty()) {
            signal.outcome = SignalOutcome.NO_MATCH;
        } else {
            boolean changed = false;
            for (Guest guest : guests) {
                changed |= apply(in.type(), guest, signal, actor);
            }
            signal.outcome = changed ? SignalOutcome.APPLIED : SignalOutcome.NO_CHANGE;
        }
        if (guests.stream().anyMatch(g -> g.state == GuestState.REMOVED)) {
            // a purged guest's data is erased, and this statement named them: it keeps its outcome, not their identity
            signal.homeSubject = null;
            signal.email = null;
            signal.dedupeKey = "erased:" + signal.id;
        }
        signal.persist();
        audit.record(AuditTrail.change("SIGNAL_RECEIVED", actor).target(signal.id).reason(signal.type.name()).detail("channel", channel)
                .detail("homeTenantId", signal.homeTenantId).detail("outcome", signal.outcome).detail("matchedGuestIds", signal.matchedGuestIds)
                .detail("revokedGrantIds", signal.revokedGrantIds));
        // an operator finds the signal's trace by its id (a no-op when tracing is off)
        Span.current().setAttribute("portcullis.signal.id", signal.id.toString());
        Span.current().setAttribute("portcullis.signal.outcome", signal.outcome.name());
        metrics.counter("portcullis.signals", "type", signal.type.name(), "outcome", signal.outcome.name(), "channel", channel.name()).increment();
        LOG.infof("signal=%s type=%s tenant=%s channel=%s outcome=%s guests=%d grantsRevoked=%d", signal.id, signal.type,
                signal.homeTenantId, channel, signal.outcome, guests.size(), signal.revokedGrantIds.size());
        return new Receipt(signal, false);
    }

    /**
     * The SOC's record of what the partner said, one per guest it names, written before what it causes (those records carry the
     * signal's id as their {@code correlation_uid}). A purge names the guest by id only: their address is about to be erased.
     */
    private void socRecords(PartnerSignal signal, List<Guest> guests, String actor) {
        boolean purge = signal.type == SignalType.ACCOUNT_PURGED && !guests.isEmpty();
        String subject = purge ? null : signal.homeSubject;
        String email = purge ? null : signal.email;
        if (guests.isEmpty()) {
            outbox.publish(OcsfMapping.signalReceived(signal.id, signal.type.name(), signal.homeTenantId, subject, email, actor,
                    signal.channel.name(), SignalOutcome.NO_MATCH.name(), null, signal.receivedAt));
        }
        for (Guest guest : guests) {
            outbox.publish(OcsfMapping.signalReceived(signal.id, signal.type.name(), signal.homeTenantId, subject, email, actor,
                    signal.channel.name(), null, guest.id.toString(), signal.receivedAt));
        }
    }
}
