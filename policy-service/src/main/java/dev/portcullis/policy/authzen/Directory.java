package dev.portcullis.policy.authzen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.events.ocsf.OcsfMapping;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The decision point's directory (a policy information point) of the subjects and resources that are not Portcullis's guests
 * and resources: an application's users, say, named by the opaque id its PEP sends, with the attributes its policies decide
 * on (roles, an email), and its records with their owners. A decision finds an entity by its type and id, or a subject by the
 * {@code identity} some clients send beside them, and reads its attributes under those of the request ({@link FactsResolver});
 * the AuthZEN searches take their candidates from it ({@link AuthzenSearch}). Read from the database each time, never cached:
 * an entry changed through one instance decides at once on every other.
 */
@ApplicationScoped
public class Directory {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> PROPERTIES = new TypeReference<>() {
    };

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Outbox outbox;

    public record Entry(String type, String id, Map<String, Object> properties, Instant updatedAt, String updatedBy) {
    }

    /** The entity's attributes, found by its id or else by {@code identity}. */
    @Transactional
    public Optional<Map<String, Object>> attributes(String type, String id, Object identity) {
        Optional<Entry> entry = find(type, id);
        if (entry.isEmpty() && identity instanceof String other && !other.equals(id)) {
            entry = find(type, other);
        }
        return entry.map(Entry::properties);
    }

    @Transactional
    public Optional<Entry> find(String type, String id) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select properties\\:\\:text, updated_at, updated_by from directory_entry"
                        + " where entity_type = ?1 and entity_id = ?2").setFlushMode(FlushModeType.COMMIT)
                .setParameter(1, type).setParameter(2, id).getResultList();
        return rows.stream().findFirst().map(row -> new Entry(type, id, read((String) row[0]), instant(row[1]), (String) row[2]));
    }

    /** The ids of the entities of {@code type} after {@code after}, in id order: a search's candidates, a page at a time. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<String> ids(String type, String after, int limit) {
        return em.createNativeQuery("select entity_id from directory_entry where entity_type = ?1 and entity_id > ?2 order by entity_id")
                .setFlushMode(FlushModeType.COMMIT).setParameter(1, type).setParameter(2, after).setMaxResults(limit).getResultList();
    }

    /**
     * The actions an action search tries on a resource of {@code resourceType}: the directory's entries of type {@code action}
     * whose {@code resourceTypes} name it (or that name none), in their {@code rank}'s order (then by id).
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<String> actionsOn(String resourceType) {
        return em.createNativeQuery("select entity_id from directory_entry where entity_type = 'action' and (not jsonb_exists(properties, 'resourceTypes')"
                        + " or jsonb_exists(properties -> 'resourceTypes', ?1)) order by case when jsonb_typeof(properties -> 'rank') = 'number' then (properties ->> 'rank')\\:\\:numeric end"
                        + " nulls last, entity_id").setFlushMode(FlushModeType.COMMIT)
                .setParameter(1, resourceType).getResultList();
    }

    /** A directory entry is an entity's attributes, not a document store. */
    static final int MAX_PROPERTIES_CHARS = 16_384;

    /** Writes the entity's attributes, replacing those it had; more than {@link #MAX_PROPERTIES_CHARS} of JSON is a 400. */
    @Transactional
    public Entry put(String type, String id, Map<String, Object> properties, String by) {
        String json = write(properties);
        if (json.length() > MAX_PROPERTIES_CHARS) {
            throw new dev.portcullis.backbone.problem.BadRequestProblem("properties", "must be at most " + MAX_PROPERTIES_CHARS + " characters of JSON");
        }
        Instant now = clock.instant();
        em.createNativeQuery("insert into directory_entry (entity_type, entity_id, properties, updated_at, updated_by)"
                        + " values (?1, ?2, cast(?3 as jsonb), ?4, ?5) on conflict (entity_type, entity_id)"
                        + " do update set properties = excluded.properties, updated_at = excluded.updated_at, updated_by = excluded.updated_by")
                .setParameter(1, type).setParameter(2, id).setParameter(3, json).setParameter(4, now).setParameter(5, by)
                .executeUpdate();
        outbox.publish(OcsfMapping.directoryChanged(Ids.next(), type, id, List.copyOf(properties.keySet()), false, by, now));
        return new Entry(type, id, properties, now, by);
    }

    /** Whether there was one to delete. */
    @Transactional
    public boolean delete(String type, String id, String by) {
        boolean deleted = em.createNativeQuery("delete from directory_entry where entity_type = ?1 and entity_id = ?2").setParameter(1, type)
                .setParameter(2, id).executeUpdate() > 0;
        if (deleted) {
            outbox.publish(OcsfMapping.directoryChanged(Ids.next(), type, id, List.of(), true, by, clock.instant()));
        }
        return deleted;
    }

    private static Instant instant(Object value) {
        return value instanceof Instant i ? i : value instanceof java.sql.Timestamp t ? t.toInstant()
                : value instanceof java.time.OffsetDateTime o ? o.toInstant() : Instant.parse(value.toString());
    }

    private static String write(Map<String, Object> properties) {
        try {
            return JSON.writeValueAsString(properties);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Map<String, Object> read(String json) {
        try {
            return JSON.readValue(json, PROPERTIES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a directory entry that is not a JSON object", e);
        }
    }
}
