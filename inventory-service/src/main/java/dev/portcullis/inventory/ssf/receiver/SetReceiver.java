package dev.portcullis.inventory.ssf.receiver;

import dev.portcullis.inventory.domain.PartnerTransmitter;
import dev.portcullis.inventory.service.GuestSessions;
import static dev.portcullis.inventory.ssf.EventTypes.RISC;
import static dev.portcullis.inventory.ssf.EventTypes.SESSION_REVOKED;
import static dev.portcullis.inventory.ssf.EventTypes.CREDENTIAL_CHANGE;
import static dev.portcullis.inventory.ssf.EventTypes.IDENTIFIER_CHANGED;
import static dev.portcullis.inventory.ssf.EventTypes.VERIFICATION;

import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.events.EmailAddresses;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.GuestState;
import dev.portcullis.inventory.service.Guests;
import dev.portcullis.backbone.Sha256;
import dev.portcullis.inventory.config.InventorySettings;
import dev.portcullis.inventory.domain.Partner;
import dev.portcullis.inventory.domain.SignalChannel;
import dev.portcullis.inventory.domain.SignalType;
import dev.portcullis.inventory.service.AuditTrail;
import dev.portcullis.inventory.service.PartnerSignalService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.lang.JoseException;

/**
 * Receives a partner's Security Event Token pushed to us (RFC 8935) and applies it through the same path as a REST or Kafka
 * signal. Nothing happens before the SET is verified: the push authorization given to the transmitter, a JWS signed with an
 * asymmetric algorithm by a key of the transmitter's JWKS (refetched once for an unknown {@code kid}), {@code typ} {@code secevent+jwt},
 * {@code iss} the partner's transmitter, {@code aud} its stream's audience, {@code iat} inside the configured window, and a
 * {@code jti} never applied before (a repeat is accepted and changes nothing). The verification, which may fetch the transmitter's
 * keys, happens before the transaction that records the jti and applies the signal.
 */
@ApplicationScoped
public class SetReceiver {

    private static final Logger LOG = Logger.getLogger(SetReceiver.class);
    private static final Map<String, SignalType> ACTS = Map.of(RISC + "account-disabled", SignalType.ACCOUNT_DISABLED, RISC + "account-purged",
            SignalType.ACCOUNT_PURGED, RISC + "account-enabled", SignalType.ACCOUNT_ENABLED, RISC + "credential-compromise",
            SignalType.CREDENTIAL_COMPROMISED);
    /** Asymmetric only: a symmetric algorithm would let anyone holding the "key" (published in a JWKS) sign, and none signs nothing. */
    private static final Set<String> ALGORITHMS = Set.of(AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.RSA_USING_SHA384,
            AlgorithmIdentifiers.RSA_USING_SHA512, AlgorithmIdentifiers.RSA_PSS_USING_SHA256, AlgorithmIdentifiers.RSA_PSS_USING_SHA384,
            AlgorithmIdentifiers.RSA_PSS_USING_SHA512, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
            AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384, AlgorithmIdentifiers.ECDSA_USING_P521_CURVE_AND_SHA512);

    @Inject
    TransmitterKeys keys;

    @Inject
    PartnerSignalService signals;

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    InventorySettings settings;

    @Inject
    AuditTrail audit;

    @Inject
    Guests guests;

    @Inject
    dev.portcullis.inventory.service.Partners partners;

    @Inject
    GuestSessions sessions;

    /** What a SET did: the signals it applied (their ids), or nothing (a repeat, a verification, an event we record but do not act on). */
    public record Outcome(boolean repeat, List<UUID> signalIds, List<String> events) {
    }

    public Outcome receive(UUID partnerId, String authorization, String set) {
        PartnerTransmitter transmitter = QuarkusTransaction.requiringNew().call(() -> PartnerTransmitter.<PartnerTransmitter>findById(partnerId));
        if (transmitter == null) {
            throw new SetRefused("access_denied", "no transmitter is connected for this partner");
        }
        if (authorization == null || !Sha256.hex(authorization.startsWith("Bearer ") ? authorization.substring(7) : authorization)
                .equals(transmitter.pushTokenSha256)) {
            throw new SetRefused("authentication_failed", "the push authorization is missing or wrong");
        }
        return verifyAndApply(transmitter, set);
    }

    /** A SET Portcullis polled from the partner's transmitter (RFC 8936): the same checks but the push authorization. */
    public Outcome receivePolled(UUID partnerId, String set) {
        PartnerTransmitter transmitter = QuarkusTransaction.requiringNew().call(() -> PartnerTransmitter.<PartnerTransmitter>findById(partnerId));
        if (transmitter == null) {
            throw new SetRefused("access_denied", "no transmitter is connected for this partner");
        }
        return verifyAndApply(transmitter, set);
    }

    private Outcome verifyAndApply(PartnerTransmitter transmitter, String set) {
        // verified before the transaction: fetching a rotated key goes over the network, and no connection waits for it
        JwtClaims claims = verified(transmitter, set);
        return QuarkusTransaction.requiringNew().call(() -> apply(transmitter.partnerId, transmitter, claims));
    }

    /** What a verified SET does, in one transaction with its jti: all of it or nothing. */
    private Outcome apply(UUID partnerId, PartnerTransmitter transmitter, JwtClaims claims) {
        try {
            Map<String, Object> events = claims.getClaimValue("events") instanceof Map<?, ?> m ? cast(m) : null;
            if (events == null || events.isEmpty()) {
                throw new SetRefused("invalid_request", "the SET has no events");
            }
            String jti = claims.getJwtId();
            if (jti == null || jti.isBlank() || jti.length() > 255) {
                throw new SetRefused("invalid_request", "the SET has no usable jti");
            }
            int first = em.createNativeQuery("insert into ssf_received_set (partner_id, jti, received_at, events) values (?1, ?2, ?3, ?4)"
                    + " on conflict do nothing").setParameter(1, partnerId).setParameter(2, jti).setParameter(3, clock.instant())
                    .setParameter(4, truncate(String.join(" ", events.keySet()), 1024)).executeUpdate();
            if (first == 0) {
                LOG.infof("partner=%s SET jti=%s again: nothing to do", partnerId, jti);
                return new Outcome(true, List.of(), List.copyOf(events.keySet()));
            }
            Partner partner = Partner.findById(partnerId);
            Instant occurredAt = claims.getIssuedAt() == null ? clock.instant() : Instant.ofEpochSecond(claims.getIssuedAt().getValue());
            List<UUID> applied = new ArrayList<>();
            for (Map.Entry<String, Object> event : events.entrySet()) {
                SignalType type = ACTS.get(event.getKey());
                if (type == null && CREDENTIAL_CHANGE.equals(event.getKey()) && transmitter.credentialRevokeIsCompromise
                        && event.getValue() instanceof Map<?, ?> body && "revoke".equals(body.get("change_type"))) {
                    type = SignalType.CREDENTIAL_COMPROMISED; // the partner chose to count a revoked credential as a compromised one
                }
                if (type == null && IDENTIFIER_CHANGED.equals(event.getKey()) && event.getValue() instanceof Map<?, ?> body
                        && body.get("new-value") instanceof String newValue && EmailAddresses.isValid(newValue)) {
                    changeAddress(partner, transmitter, subject(claims, event.getValue(), partner, transmitter), newValue, jti);
                    continue;
                }
                if (type == null && SESSION_REVOKED.equals(event.getKey())) {
                    revokeSessions(partner, transmitter, subject(claims, event.getValue(), partner, transmitter), event.getValue(), jti);
                    continue;
                }
                if (type == null && VERIFICATION.equals(event.getKey())) {
                    // the answer to the verification asked for when the stream was made: the stream works end to end
                    Object state = event.getValue() instanceof Map<?, ?> body ? body.get("state") : null;
                    int verified = state == null ? 0 : em.createQuery("update PartnerTransmitter t set t.verifiedAt = :now where t.partnerId = :partner"
                            + " and t.verificationState = :state").setParameter("now", clock.instant()).setParameter("partner", partnerId)
                            .setParameter("state", String.valueOf(state)).executeUpdate();
                    if (verified > 0) {
                        partners.streamVerified(partnerId);
                    }
                    LOG.infof("partner=%s SET jti=%s verification%s", partnerId, jti, verified > 0 ? ": the stream is verified" : "");
                    continue;
                }
                if (type == null) {
                    // CAEP credential-change, a changed phone number: recorded, not acted on
                    audit.record(AuditTrail.change("SSF_EVENT_RECORDED", "ssf:" + transmitter.issuer).reason(event.getKey()).cause(jti)
                            .detail("partnerId", partnerId));
                    LOG.infof("partner=%s SET jti=%s event %s recorded, not acted on", partnerId, jti, event.getKey());
                    continue;
                }
                Subject subject = subject(claims, event.getValue(), partner, transmitter);
                applied.add(signals.receive(new PartnerSignalService.Signal(type, partner.tenantId, subject.homeSubject(), subject.email(), occurredAt),
                        SignalChannel.SSF, "ssf:" + transmitter.issuer, null).signal().id);
            }
            return new Outcome(false, applied, List.copyOf(events.keySet()));
        } catch (MalformedClaimException e) {
            throw new SetRefused("invalid_request", e.getMessage());
        }
    }

    /**
     * CAEP session-revoked at the partner: the guest's sessions end in our own applications too (our transmitter tells their
     * streams); the guest keeps their grants and may sign in again. Audited per guest.
     */
    private void revokeSessions(Partner partner, PartnerTransmitter transmitter, Subject subject, Object event, String jti) {
        String actor = "ssf:" + transmitter.issuer;
        // passed on only if it is one of CAEP's values: what a partner writes does not go into our SETs as it likes
        String initiating = event instanceof Map<?, ?> body && body.get("initiating_entity") instanceof String s
                && Set.of("admin", "user", "policy", "system").contains(s) ? s : "policy";
        for (Guest guest : Guest.lockByHomeIdentity(partner.tenantId, subject.homeSubject(), subject.email())) {
            if (guest.state == GuestState.REMOVED) {
                continue;
            }
            int streams = sessions.revoke(guest, initiating, "the partner revoked the session");
            audit.record(AuditTrail.change("SESSIONS_REVOKED", actor).guest(guest).reason(SESSION_REVOKED).cause(jti)
                    .detail("partnerId", partner.id).detail("streams", streams));
        }
    }

    /**
     * RISC identifier-changed with a new address: the guest's email follows, through the same change as SCIM's (guest-updated,
     * audited). One the platform cannot take (the address is another guest's, or another partner's domain) is accepted from the
     * transmitter, which did nothing wrong, and recorded as not applied, with why.
     */
    private void changeAddress(Partner partner, PartnerTransmitter transmitter, Subject subject, String newAddress, String jti) {
        String actor = "ssf:" + transmitter.issuer;
        for (Guest guest : Guest.lockByHomeIdentity(partner.tenantId, subject.homeSubject(), subject.email())) {
            if (guest.state == GuestState.REMOVED) {
                continue;
            }
            try {
                guests.checkNewAddress(guest, newAddress);
            } catch (ConflictProblem | BadRequestProblem e) {
                audit.record(AuditTrail.change("SSF_EVENT_NOT_APPLIED", actor).guest(guest).reason(IDENTIFIER_CHANGED).cause(jti)
                        .detail("partnerId", partner.id).detail("problem", e.getMessage()));
                LOG.warnf("partner=%s SET jti=%s identifier-changed for guest=%s not applied: %s", partner.id, jti, guest.id, e.getMessage());
                continue;
            }
            guests.updateGuest(guest, new Guests.GuestDetails(newAddress, guest.displayName, List.copyOf(guest.sponsors)), actor,
                    "RISC_IDENTIFIER_CHANGED", jti);
        }
    }

    /** The claims of a SET whose signature, type, issuer, audience and age hold. */
    private JwtClaims verified(PartnerTransmitter transmitter, String set) {
        JsonWebSignature jws = new JsonWebSignature();
        try {
            jws.setCompactSerialization(set == null ? "" : set.strip());
        } catch (JoseException e) {
            throw new SetRefused("invalid_request", "not a signed JWT: " + e.getMessage());
        }
        String alg = jws.getAlgorithmHeaderValue();
        if (alg == null || !ALGORITHMS.contains(alg)) {
            throw new SetRefused("invalid_request", "the algorithm '" + alg + "' is not accepted: an asymmetric signature is required");
        }
        String typ = jws.getHeader("typ");
        if (typ == null || !(typ.equalsIgnoreCase("secevent+jwt") || typ.equalsIgnoreCase("application/secevent+jwt"))) {
            throw new SetRefused("invalid_request", "typ must be secevent+jwt, was '" + typ + "'");
        }
        JsonWebKey key = keys.key(transmitter, jws.getKeyIdHeaderValue());
        if (key == null) {
            throw new SetRefused("invalid_key", "no key '" + jws.getKeyIdHeaderValue() + "' in the transmitter's JWKS");
        }
        try {
            jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, alg));
            jws.setKey(key.getKey());
            if (!jws.verifySignature()) {
                throw new SetRefused("authentication_failed", "the signature does not verify with the transmitter's key '" + key.getKeyId() + "'");
            }
            JwtClaims claims = JwtClaims.parse(jws.getPayload());
            if (!transmitter.issuer.equals(claims.getIssuer())) {
                throw new SetRefused("invalid_issuer", "iss '" + claims.getIssuer() + "' is not this partner's transmitter");
            }
            if (claims.getAudience() == null || !claims.getAudience().contains(transmitter.audience)) {
                throw new SetRefused("invalid_audience", "aud " + claims.getAudience() + " does not name " + transmitter.audience);
            }
            NumericDate iat = claims.getIssuedAt();
            Duration window = settings.ssf().iatWindow();
            Instant now = clock.instant();
            if (iat == null || Instant.ofEpochSecond(iat.getValue()).isBefore(now.minus(window))
                    || Instant.ofEpochSecond(iat.getValue()).isAfter(now.plus(Duration.ofMinutes(1)))) {
                throw new SetRefused("invalid_request", "iat is missing or outside the accepted window (" + window + ")");
            }
            return claims;
        } catch (JoseException | InvalidJwtException | MalformedClaimException | ClassCastException e) {
            throw new SetRefused("invalid_request", "the SET cannot be read: " + e.getMessage());
        }
    }

    /** Whom an event names: {@code sub_id} (SSF), or the event's own {@code subject} (older RISC). */
    private record Subject(String homeSubject, String email) {
    }

    private static Subject subject(JwtClaims claims, Object event, Partner partner, PartnerTransmitter transmitter) {
        Object subId = claims.getClaimValue("sub_id");
        if (subId == null && event instanceof Map<?, ?> body) {
            subId = body.get("subject");
        }
        if (!(subId instanceof Map<?, ?> raw)) {
            throw new SetRefused("invalid_request", "the SET names no subject (sub_id)");
        }
        Map<String, Object> id = cast(raw);
        if (!"complex".equals(id.get("format"))) {
            return simple(id, transmitter);
        }
        // complex: a user, and the tenant they belong to, which must be this partner's
        if (id.get("tenant") instanceof Map<?, ?> tenant && tenant.get("id") != null && !partner.tenantId.equals(String.valueOf(tenant.get("id")))) {
            throw new SetRefused("access_denied", "a subject of tenant '" + tenant.get("id") + "', not this partner's");
        }
        if (!(id.get("user") instanceof Map<?, ?> user)) {
            throw new SetRefused("invalid_request", "a complex subject without a user");
        }
        return simple(cast(user), transmitter);
    }

    private static Subject simple(Map<String, Object> id, PartnerTransmitter transmitter) {
        String format = String.valueOf(id.get("format"));
        return switch (format) {
            case "iss_sub" -> {
                if (!transmitter.issuer.equals(id.get("iss"))) {
                    throw new SetRefused("access_denied", "an iss_sub subject of issuer '" + id.get("iss") + "', not this partner's");
                }
                yield new Subject(text(id, "sub"), null);
            }
            case "email" -> new Subject(null, text(id, "email"));
            case "opaque" -> new Subject(text(id, "id"), null);
            default -> throw new SetRefused("invalid_request", "subject format '" + format + "' is not supported");
        };
    }

    private static String text(Map<String, Object> id, String field) {
        Object value = id.get(field);
        if (value == null || String.valueOf(value).isBlank()) {
            throw new SetRefused("invalid_request", "the subject has no " + field);
        }
        return String.valueOf(value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static String truncate(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }
}
