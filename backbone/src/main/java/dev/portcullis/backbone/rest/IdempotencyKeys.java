package dev.portcullis.backbone.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.backbone.problem.Problem.FieldError;
import dev.portcullis.backbone.problem.ProblemMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * {@code Idempotency-Key} on every mutating request of every service: the first request with a key
 * claims it (a row, per caller), runs, and its result (status, body, location) is kept; a repeat
 * with the same key gets that result back, marked {@code Idempotency-Replayed: true}, and changes
 * nothing. The same key on another request (method, path or body) is a 422; a repeat while the first
 * still runs is a 409. A 5xx result is not kept (nothing changed; the client should retry), nor is a
 * claim whose request died: after {@link #ABANDONED} it may be taken again. Kept results go after
 * {@link #RETENTION}.
 */
public class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED = "Idempotency-Replayed";
    static final Duration ABANDONED = Duration.ofMinutes(10);
    static final Duration RETENTION = Duration.ofHours(24);
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,255}");
    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String CLAIM = IdempotencyKeys.class.getName() + ".claim";
    private static final Logger LOG = Logger.getLogger(IdempotencyKeys.class);

    @Inject
    EntityManager em;

    @Inject
    SecurityIdentity identity;

    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    record Claim(String caller, String key) {
    }

    /** Runs on the worker thread of a blocking endpoint (after authentication), so it may use the database. */
    @ServerRequestFilter
    public Response claim(ContainerRequestContext request) throws IOException {
        String key = request.getHeaderString(HEADER);
        if (key == null || !MUTATING.contains(request.getMethod()) || identity.isAnonymous()) {
            // keys are a caller's own: without a caller (the 401 follows) there is nobody to keep a result for
            return null;
        }
        if (!SANE.matcher(key).matches()) {
            return problem(request, 400, "Invalid request", "must be 1 to 255 characters of A-Z a-z 0-9 . _ : @ / + = -");
        }
        byte[] body = request.hasEntity() ? request.getEntityStream().readAllBytes() : new byte[0];
        request.setEntityStream(new ByteArrayInputStream(body));
        String caller = identity.getPrincipal().getName();
        String path = request.getUriInfo().getRequestUri().getRawPath();
        String hash = dev.portcullis.backbone.Sha256.hex(request.getMethod() + ' ' + path + '\n' + new String(body, StandardCharsets.UTF_8));
        Instant now = clock.instant();
        Object[] earlier = QuarkusTransaction.requiringNew().call(() -> {
            int claimed = em.createNativeQuery("""
                    insert into idempotency_key (caller, key, method, path, request_hash, state, created_at)
                    values (?1, ?2, ?3, ?4, ?5, 'RUNNING', ?6) on conflict (caller, key) do nothing""")
                    .setParameter(1, caller).setParameter(2, key).setParameter(3, request.getMethod()).setParameter(4, path)
                    .setParameter(5, hash).setParameter(6, now).executeUpdate();
            if (claimed == 1) {
                return null;
            }
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("""
                    select request_hash, state, status, content_type, location, body, created_at from idempotency_key
                    where caller = ?1 and key = ?2 for update""").setParameter(1, caller).setParameter(2, key).getResultList();
            Object[] row = rows.get(0);
            Instant createdAt = row[6] instanceof Instant i ? i : ((java.sql.Timestamp) row[6]).toInstant();
            boolean stale = "RUNNING".equals(row[1]) ? createdAt.isBefore(now.minus(ABANDONED)) : createdAt.isBefore(now.minus(RETENTION));
            if (stale) {
                // its request died without a result, or its result is past retention: the key is free again
                em.createNativeQuery("""
                        update idempotency_key set method = ?3, path = ?4, request_hash = ?5, state = 'RUNNING', status = null, content_type = null,
                        location = null, body = null, created_at = ?6 where caller = ?1 and key = ?2""")
                        .setParameter(1, caller).setParameter(2, key).setParameter(3, request.getMethod()).setParameter(4, path)
                        .setParameter(5, hash).setParameter(6, now).executeUpdate();
                return null;
            }
            return row;
        });
        if (earlier == null) {
            request.setProperty(CLAIM, new Claim(caller, key));
            return null;
        }
        if (!hash.equals(earlier[0])) {
            return problem(request, 422, "Idempotency-Key reused",
                    "was used for another request (method, path or body); use a new key for a new request");
        }
        if ("RUNNING".equals(earlier[1])) {
            return problem(request, 409, "Request in progress",
                    "names a request still running; repeat this one when that one has answered");
        }
        LOG.debugf("idempotency key %s of %s replayed", key, caller);
        Response.ResponseBuilder replay = Response.status(((Number) earlier[2]).intValue()).header(REPLAYED, "true");
        if (earlier[5] != null) {
            replay.entity(earlier[5]).type(earlier[3] == null ? MediaType.APPLICATION_JSON : (String) earlier[3]);
        }
        if (earlier[4] != null) {
            replay.header("Location", earlier[4]);
        }
        return replay.build();
    }

    /**
     * Rewrites the answers kept for repeats (and their paths) that quote a removed guest's address, with the placeholder: a repeat
     * still gets its answer, and the address leaves this table with the guest.
     */
    public int erase(String address, String placeholder) {
        String encoded = address.replace("@", "%40");
        return em.createNativeQuery("""
                update idempotency_key set body = regexp_replace(body, ?2, ?3, 'gi'), location = regexp_replace(location, ?5, ?3, 'gi'),
                path = regexp_replace(regexp_replace(path, ?2, ?3, 'gi'), ?5, ?3, 'gi')
                where strpos(lower(coalesce(body, '') || ' ' || path || ' ' || coalesce(location, '')), ?1) > 0
                or strpos(lower(path || ' ' || coalesce(location, '')), ?4) > 0""")
                .setParameter(1, address.toLowerCase(java.util.Locale.ROOT)).setParameter(2, dev.portcullis.backbone.outbox.Outbox.pattern(address))
                .setParameter(3, placeholder).setParameter(4, encoded.toLowerCase(java.util.Locale.ROOT))
                .setParameter(5, dev.portcullis.backbone.outbox.Outbox.pattern(encoded)).executeUpdate();
    }

    @ServerResponseFilter
    public void keep(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(CLAIM) instanceof Claim claim)) {
            return;
        }
        request.removeProperty(CLAIM);
        if (response.getStatus() >= 500) {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("delete from idempotency_key where caller = ?1 and key = ?2")
                    .setParameter(1, claim.caller()).setParameter(2, claim.key()).executeUpdate());
            return;
        }
        String body;
        try {
            // a secret shown once is not kept, nor replayed
            Object entity = response.getEntity() instanceof ShownOnce once ? once.withoutSecret() : response.getEntity();
            body = entity == null ? null : entity instanceof String s ? s : json.writeValueAsString(entity);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MediaType type = response.getMediaType();
        Object location = response.getHeaders().getFirst("Location");
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                update idempotency_key set state = 'DONE', status = ?3, content_type = ?4, location = ?5, body = ?6 where caller = ?1 and key = ?2""")
                .setParameter(1, claim.caller()).setParameter(2, claim.key()).setParameter(3, response.getStatus())
                .setParameter(4, type == null ? null : type.toString()).setParameter(5, location == null ? null : location.toString())
                .setParameter(6, body).executeUpdate());
    }

    private static Response problem(ContainerRequestContext request, int status, String title, String message) {
        return ProblemMapper.problem(status, title, HEADER + " " + message, request.getUriInfo().getPath(), List.of(new FieldError(HEADER, message)));
    }
}
