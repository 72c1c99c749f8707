package dev.portcullis.inventory.service;

import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.work.AfterCommit;
import dev.portcullis.backbone.work.BackgroundWorker;
import dev.portcullis.backbone.work.Failures;
import dev.portcullis.events.EmailAddresses;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.Resource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.hibernate.Session;
import org.jboss.logging.Logger;

/**
 * Bulk import of guests from CSV, as a job. The upload checks the header and keeps the lines; a worker
 * then takes {@value #CHUNK} lines per transaction: each row is validated and either imported (the
 * guest, its grants, their events and audit records, as an invitation and a grant would make them) or
 * rejected with its line number and every reason, changing nothing. The job's row is locked for the
 * chunk ({@code for update skip locked}): with several instances one works on an import at a time, and
 * one killed mid-chunk leaves it to the next, which starts where the last committed chunk ended.
 * Imported guests are existing access, not new requests: policy-service re-checks them through
 * continuous evaluation (their events), not before.
 */
@ApplicationScoped
public class GuestImports {

    private static final Logger LOG = Logger.getLogger(GuestImports.class);

    static final List<String> COLUMNS = List.of("email", "displayName", "homeTenantId", "homeSubject", "sponsors", "lastSignInAt", "grants");
    static final Set<String> REQUIRED = Set.of("email", "homeTenantId", "sponsors");
    static final int CHUNK = 1000;
    static final int ATTEMPTS = 3;
    public static final int MAX_ROWS = 200_000;
    private static final Pattern EMAIL = Pattern.compile(EmailAddresses.REGEX);

    @Inject
    EntityManager em;

    @Inject
    Grants grants;

    @Inject
    Guests guests;

    @Inject
    Partners partners;

    @Inject
    AfterCommit afterCommit;

    @Inject
    Clock clock;

    private final BackgroundWorker worker = new BackgroundWorker("guest-imports", this::chunk, Duration.ofSeconds(2), Duration.ofSeconds(30));

    void start(@Observes StartupEvent event) {
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop();
    }

    /** Accepts a CSV: a header naming the columns, then one guest per line. A bad header is a 400 at once; rows are the job's. */
    @Transactional
    public UUID accept(String csv, String actor) {
        List<String> lines = Csv.lines(csv == null ? "" : csv);
        if (lines.isEmpty()) {
            throw new BadRequestProblem("body", "is empty: a CSV with a header line (" + String.join(",", COLUMNS) + ") and a line per guest");
        }
        columns(lines.get(0));
        if (lines.size() < 2) {
            throw new BadRequestProblem("body", "has a header and no guest");
        }
        if (lines.size() - 1 > MAX_ROWS) {
            throw new BadRequestProblem("body", "has " + (lines.size() - 1) + " rows; at most " + MAX_ROWS + " per import");
        }
        UUID id = Ids.next();
        em.createNativeQuery("""
                insert into guest_import (id, state, total_lines, next_line, imported, rejected, created_by, created_at)
                values (?1, 'RUNNING', ?2, 2, 0, 0, ?3, ?4)""")
                .setParameter(1, id).setParameter(2, lines.size()).setParameter(3, actor).setParameter(4, clock.instant()).executeUpdate();
        em.unwrap(Session.class).doWork(connection -> store(connection, id, lines));
        afterCommit.runOnce(GuestImports.class, worker::wake);
        LOG.infof("import=%s accepted: %d row(s) by %s", id, lines.size() - 1, actor);
        return id;
    }

    private static void store(Connection connection, UUID id, List<String> lines) throws java.sql.SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into guest_import_source (import_id, line, text) select ?, n, t from unnest(?::int[], ?::text[]) as v(n, t)")) {
            for (int from = 0; from < lines.size(); from += 10_000) {
                int to = Math.min(lines.size(), from + 10_000);
                Integer[] numbers = new Integer[to - from];
                String[] texts = new String[to - from];
                for (int i = from; i < to; i++) {
                    numbers[i - from] = i + 1;
                    texts[i - from] = lines.get(i);
                }
                insert.setObject(1, id);
                insert.setArray(2, connection.createArrayOf("int4", numbers));
                insert.setArray(3, connection.createArrayOf("text", texts));
                insert.executeUpdate();
            }
        }
    }

    /** The header's column positions; an unknown or missing column is a 400 naming it. */
    static Map<String, Integer> columns(String header) {
        Map<String, Integer> positions = new LinkedHashMap<>();
        List<String> names;
        try {
            names = Csv.fields(header);
        } catch (IllegalArgumentException e) {
            throw new BadRequestProblem("body", "line 1: " + e.getMessage());
        }
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String column = COLUMNS.stream().filter(c -> c.equalsIgnoreCase(name.trim())).findFirst()
                    .orElseThrow(() -> new BadRequestProblem("body", "line 1: unknown column '" + name + "'; the columns are " + String.join(",", COLUMNS)));
            if (positions.put(column, i) != null) {
                throw new BadRequestProblem("body", "line 1: column " + column + " twice");
            }
        }
        for (String required : REQUIRED) {
            if (!positions.containsKey(required)) {
                throw new BadRequestProblem("body", "line 1: column " + required + " is required");
            }
        }
        return positions;
    }

    /**
     * One chunk of the oldest running import; true when more may be waiting. A chunk that fails for a reason that does not pass
     * (a bug, a row the checks let through and the database refuses) is retried with the worker's back-off, and after
     * {@value #ATTEMPTS} attempts its import ends FAILED with the error, so the imports after it go on. A transient failure (the
     * database down, a lock) is retried as long as it lasts, and counts for nothing.
     */
    boolean chunk() {
        UUID[] attempted = new UUID[1];
        try {
            return chunk(attempted);
        } catch (RuntimeException e) {
            if (attempted[0] == null || Failures.classify(e) == Failures.Kind.TRANSIENT) {
                throw e;
            }
            if (recordFailure(attempted[0], e)) {
                return true;
            }
            throw e;
        }
    }

    /** Counts a failed chunk on its import; true when that ended the import FAILED. */
    private boolean recordFailure(UUID id, RuntimeException failure) {
        String error = Failures.rootMessage(failure);
        String state = QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery("""
                update guest_import set failures = failures + 1, error = ?2,
                state = case when failures + 1 >= ?3 then 'FAILED' else state end,
                finished_at = case when failures + 1 >= ?3 then ?4 else finished_at end
                where id = ?1 and state = 'RUNNING' returning state""")
                .setParameter(1, id).setParameter(2, error.length() > 2000 ? error.substring(0, 2000) : error).setParameter(3, ATTEMPTS)
                .setParameter(4, clock.instant()).getSingleResult());
        if (!"FAILED".equals(state)) {
            return false;
        }
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("delete from guest_import_source where import_id = ?1").setParameter(1, id)
                .executeUpdate());
        LOG.errorf("import=%s FAILED after %d attempts of one chunk: %s", id, ATTEMPTS, error);
        return true;
    }

    private boolean chunk(UUID[] attempted) {
        return QuarkusTransaction.requiringNew().timeout(300).call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> running = em.createNativeQuery("""
                    select id, next_line, total_lines, created_by from guest_import where state = 'RUNNING'
                    order by created_at limit 1 for update skip locked""").getResultList();
            if (running.isEmpty()) {
                return false;
            }
            UUID id = (UUID) running.get(0)[0];
            attempted[0] = id;
            int next = ((Number) running.get(0)[1]).intValue();
            int total = ((Number) running.get(0)[2]).intValue();
            String actor = (String) running.get(0)[3];
            @SuppressWarnings("unchecked")
            List<Object[]> source = em.createNativeQuery("""
                    select line, text from guest_import_source where import_id = ?1 and (line = 1 or (line >= ?2 and line < ?3)) order by line""")
                    .setParameter(1, id).setParameter(2, next).setParameter(3, next + CHUNK).getResultList();
            Map<String, Integer> columns = columns((String) source.get(0)[1]);
            List<String> emails = new ArrayList<>();
            for (Object[] row : source.subList(1, source.size())) {
                field(safeFields((String) row[1]), columns, "email").ifPresent(e -> emails.add(e.toLowerCase(Locale.ROOT)));
            }
            Set<String> taken = emails.isEmpty() ? new HashSet<>() : new HashSet<>(em.createQuery(
                    "select lower(g.email) from Guest g where lower(g.email) in :emails", String.class).setParameter("emails", emails).getResultList());
            Map<String, Resource> resources = new HashMap<>();
            // per chunk, as its transaction reads them: a partner blocked while the import waits refuses the rows after it
            Map<String, Partners.PartnerMatch> partnersOfChunk = new HashMap<>();
            List<Integer> lineNumbers = new ArrayList<>();
            List<String> outcomes = new ArrayList<>();
            List<UUID> guestIds = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            int imported = 0;
            for (Object[] row : source.subList(1, source.size())) {
                int line = ((Number) row[0]).intValue();
                Row result = importRow(id, (String) row[1], columns, taken, resources, partnersOfChunk, actor);
                lineNumbers.add(line);
                outcomes.add(result.guestId() == null ? "REJECTED" : "IMPORTED");
                guestIds.add(result.guestId());
                errors.add(result.errors().isEmpty() ? null : String.join("; ", result.errors()));
                imported += result.guestId() == null ? 0 : 1;
            }
            em.flush();
            em.unwrap(Session.class).doWork(connection -> {
                try (PreparedStatement insert = connection.prepareStatement("""
                        insert into guest_import_line (import_id, line, outcome, guest_id, errors)
                        select ?, n, o, g, e from unnest(?::int[], ?::text[], ?::uuid[], ?::text[]) as v(n, o, g, e)""")) {
                    insert.setObject(1, id);
                    insert.setArray(2, connection.createArrayOf("int4", lineNumbers.toArray()));
                    insert.setArray(3, connection.createArrayOf("text", outcomes.toArray()));
                    insert.setArray(4, connection.createArrayOf("uuid", guestIds.toArray()));
                    insert.setArray(5, connection.createArrayOf("text", errors.toArray()));
                    insert.executeUpdate();
                }
            });
            boolean done = next + CHUNK > total;
            em.createNativeQuery("""
                    update guest_import set next_line = ?2, imported = imported + ?3, rejected = rejected + ?4, failures = 0, error = null,
                    state = case when ?5 then 'COMPLETED' else state end, finished_at = case when ?5 then ?6 else finished_at end where id = ?1""")
                    .setParameter(1, id).setParameter(2, next + CHUNK).setParameter(3, imported).setParameter(4, lineNumbers.size() - imported)
                    .setParameter(5, done).setParameter(6, clock.instant()).executeUpdate();
            if (done) {
                em.createNativeQuery("delete from guest_import_source where import_id = ?1").setParameter(1, id).executeUpdate();
                LOG.infof("import=%s completed", id);
            }
            return true;
        });
    }

    /** What became of one row: the guest it made, or why it made none. */
    record Row(UUID guestId, List<String> errors) {
    }

    private Row importRow(UUID importId, String text, Map<String, Integer> columns, Set<String> taken, Map<String, Resource> resources,
            Map<String, Partners.PartnerMatch> partnersOfChunk, String actor) {
        List<String> errors = new ArrayList<>();
        List<String> fields;
        try {
            fields = Csv.fields(text);
        } catch (IllegalArgumentException e) {
            return new Row(null, List.of(e.getMessage()));
        }
        if (fields.size() > columns.size()) {
            errors.add(fields.size() + " fields; the header names " + columns.size());
        }
        String email = field(fields, columns, "email").map(e -> e.toLowerCase(Locale.ROOT)).orElse(null);
        if (email == null) {
            errors.add("email is required");
        } else if (email.length() > EmailAddresses.MAX_LENGTH || !EMAIL.matcher(email).matches()) {
            errors.add("email '" + email + "' is not an email address");
        } else if (taken.contains(email)) {
            errors.add("a guest with email " + email + " exists");
        }
        String tenant = field(fields, columns, "homeTenantId").orElse(null);
        if (tenant == null) {
            errors.add("homeTenantId is required");
        }
        String displayName = field(fields, columns, "displayName").orElse(null);
        String subject = field(fields, columns, "homeSubject").orElse(null);
        for (String[] sized : new String[][] {{"homeTenantId", tenant}, {"displayName", displayName}, {"homeSubject", subject}}) {
            if (sized[1] != null && sized[1].length() > 255) {
                errors.add(sized[0] + " is longer than 255 characters");
            }
        }
        List<String> sponsors = field(fields, columns, "sponsors").map(s -> List.of(s.split(";"))).orElse(List.of()).stream()
                .map(String::trim).filter(s -> !s.isEmpty()).map(s -> s.toLowerCase(Locale.ROOT)).toList();
        if (sponsors.isEmpty() || sponsors.size() > 5) {
            errors.add("sponsors: a guest has 1 to 5 (separated by ;), not " + sponsors.size());
        }
        sponsors.stream().filter(s -> !EMAIL.matcher(s).matches()).forEach(s -> errors.add("sponsor '" + s + "' is not an email address"));
        Instant lastSignInAt = null;
        Optional<String> signIn = field(fields, columns, "lastSignInAt");
        if (signIn.isPresent()) {
            try {
                lastSignInAt = Instant.parse(signIn.get());
                if (lastSignInAt.isAfter(clock.instant().plus(Duration.ofMinutes(5)))) {
                    errors.add("lastSignInAt is in the future");
                }
            } catch (DateTimeParseException e) {
                errors.add("lastSignInAt '" + signIn.get() + "' is not an ISO-8601 instant");
            }
        }
        List<Map.Entry<Resource, String>> rowGrants = new ArrayList<>();
        for (String grant : field(fields, columns, "grants").map(g -> List.of(g.split(";"))).orElse(List.of())) {
            if (grant.isBlank()) {
                continue;
            }
            int colon = grant.indexOf(':');
            String resourceId = colon < 0 ? grant.trim() : grant.substring(0, colon).trim();
            String role = colon < 0 ? "" : grant.substring(colon + 1).trim();
            Resource resource = resources.computeIfAbsent(resourceId, GuestImports::resource);
            if (resource == null) {
                errors.add("grant '" + grant.trim() + "': no resource " + resourceId);
            } else if (role.isEmpty() || role.length() > 255) {
                errors.add("grant '" + grant.trim() + "': a role of 1 to 255 characters after the colon (resourceId:role)");
            } else {
                rowGrants.add(Map.entry(resource, role));
            }
        }
        if (!errors.isEmpty()) {
            return new Row(null, errors);
        }
        String key = tenant + '\u0000' + email.substring(email.indexOf('@') + 1);
        Partners.PartnerMatch match = partnersOfChunk.computeIfAbsent(key, k -> partners.matchPartner(tenant, email));
        if (match.refusal() != null) {
            return new Row(null, List.of(match.refusal().message()));
        }
        if (match.partner() == null) {
            // the next row of this organization joins the partner this one proposes
            match = new Partners.PartnerMatch(partners.partnerOf(match, tenant), match.domain(), null);
            partnersOfChunk.put(key, match);
        }
        UUID partnerId = match.partner().id;
        String reason = "import " + importId;
        Guest guest = guests.addGuest(partnerId, new Guests.NewGuest(email, displayName, tenant, subject, sponsors, actor, lastSignInAt),
                actor, reason);
        for (Map.Entry<Resource, String> grant : rowGrants) {
            grants.addGrant(guest, grant.getKey(), grant.getValue(), reason, null, actor);
        }
        taken.add(email);
        return new Row(guest.id, List.of());
    }

    private static Resource resource(String id) {
        try {
            return Resource.findById(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static List<String> safeFields(String text) {
        try {
            return Csv.fields(text);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    private static Optional<String> field(List<String> fields, Map<String, Integer> columns, String column) {
        Integer at = columns.get(column);
        return at == null || at >= fields.size() || fields.get(at).isBlank() ? Optional.empty() : Optional.of(fields.get(at).trim());
    }
}
