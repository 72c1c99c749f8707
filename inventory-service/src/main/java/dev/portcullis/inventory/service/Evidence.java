package dev.portcullis.inventory.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.backbone.Entities;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.events.EventJson;
import dev.portcullis.inventory.domain.AuditRecord;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The evidence of external access an auditor asks for ("positively identify and document each external user, their access, and the
 * removal of access"): for each guest in scope, who they are and who vouches for them, then every fact of the audit trail about them
 * in the period, in the trail's order: their invitation, each grant (who gave it, why, through which request), each review decision
 * on it (the reviewer, what they were recommended, their justification), each approval, each end of access (when, why, from which
 * signal, campaign or person), their removal. Drawn from the audit trail alone, so each fact carries its place in the hash chain, and
 * the report ends with the chain's verification. A removed guest's personal data stays erased: the trail's sealed copy has no key.
 */
@ApplicationScoped
public class Evidence {

    /** A report covers at most this many guests; a larger scope is narrowed by partner, scenario or period. */
    public static final int MAX_GUESTS = 10_000;

    public static final List<String> COLUMNS = List.of("guest_id", "guest", "partner_id", "section", "at", "actor", "resource_id", "resource",
            "grant_id", "what", "why", "cause", "audit_chain_seq", "audit_hash");

    @Inject
    EntityManager em;

    @Inject
    AuditTrail trail;

    /** One line of the report; {@code section} says what kind of fact it is (IDENTITY, SPONSOR, GRANT, REVIEW, END_OF_ACCESS, …). */
    public record Line(UUID guestId, String guest, UUID partnerId, String section, Instant at, String actor, UUID resourceId, String resource,
            UUID grantId, String what, String why, String cause, Long auditChainSeq, String auditHash) {

        List<String> fields() {
            return java.util.Arrays.asList(str(guestId), guest, str(partnerId), section, str(at), actor, str(resourceId), resource, str(grantId),
                    what, why, cause, str(auditChainSeq), auditHash);
        }

        private static String str(Object value) {
            return value == null ? null : value.toString();
        }
    }

    /** The report: its scope, its lines, and the audit chain's verification as it was when the report was drawn. */
    public record Report(UUID partnerId, String scenarioId, LocalDate from, LocalDate to, Instant drawnAt, int guests, List<Line> lines,
            AuditTrail.Verification chain, String chainHead) {

        /** RFC 4180 CSV: a header, one record per line, then the chain's verification as the last record. */
        public String csv() {
            StringBuilder out = new StringBuilder(Csv.record(COLUMNS));
            lines.forEach(line -> out.append(Csv.record(line.fields())));
            out.append(Csv.record(chainLine().fields()));
            return out.toString();
        }

        public Line chainLine() {
            String what = chain.intact() ? "audit chain intact: " + chain.checked() + " record(s) checked, head " + chainHead
                    : "audit chain BROKEN at position " + chain.firstBrokenAt() + " (record " + chain.firstBrokenSeq() + "): " + chain.problem();
            return new Line(null, null, null, "CHAIN", drawnAt, null, null, null, null, what,
                    chain.pending() > 0 ? chain.pending() + " record(s) not chained yet" : null, null, chain.checked(), chainHead);
        }
    }

    @Transactional
    public Report draw(UUID partnerId, UUID scenarioId, LocalDate from, LocalDate to, Instant now) {
        Instant since = from == null ? null : from.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant until = to == null ? null : to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        List<UUID> guests = guestsInScope(partnerId, scenarioId, since, until);
        Map<UUID, String> resourceNames = new HashMap<>();
        List<Line> lines = new ArrayList<>();
        for (int start = 0; start < guests.size(); start += 500) {
            List<UUID> ids = guests.subList(start, Math.min(guests.size(), start + 500));
            List<Guest> batch = Entities.byIds(em, Guest.class, ids).stream().sorted(java.util.Comparator.comparing((Guest g) -> g.id)).toList();
            Map<UUID, List<AuditRecord>> facts = facts(ids, since, until);
            names(resourceNames, facts.values().stream().flatMap(List::stream).map(r -> r.resourceId).filter(id -> id != null).distinct().toList());
            for (Guest guest : batch) {
                lines.addAll(identity(guest));
                for (AuditRecord fact : facts.getOrDefault(guest.id, List.of())) {
                    lines.add(line(guest, fact, resourceNames));
                }
            }
        }
        AuditTrail.Verification chain = trail.verify();
        return new Report(partnerId, scenarioId == null ? null : scenarioId.toString(), from, to, now, guests.size(), lines, chain, chainHead());
    }

    /** Guests of the partner and of the scenario (holding, or having held, a grant on one of its resources) who existed in the period. */
    private List<UUID> guestsInScope(UUID partnerId, UUID scenarioId, Instant since, Instant until) {
        List<String> where = new ArrayList<>();
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (partnerId != null) {
            where.add("g.partnerId = :partner");
            parameters.put("partner", partnerId);
        }
        if (scenarioId != null) {
            where.add("exists (select 1 from AccessGrant a, Resource r where a.guestId = g.id and r.id = a.resourceId and r.scenarioId = :scenario)");
            parameters.put("scenario", scenarioId.toString());
        }
        if (until != null) {
            where.add("g.createdAt < :until");
            parameters.put("until", until);
        }
        if (since != null) {
            where.add("(g.removedAt is null or g.removedAt >= :since)");
            parameters.put("since", since);
        }
        // their ids first: a limit on guests themselves, whose sponsors are fetched with them, would be applied in memory
        var query = em.createQuery("select g.id from Guest g" + (where.isEmpty() ? "" : " where " + String.join(" and ", where)) + " order by g.id",
                UUID.class).setMaxResults(MAX_GUESTS + 1);
        parameters.forEach(query::setParameter);
        List<UUID> ids = query.getResultList();
        if (ids.size() > MAX_GUESTS) {
            throw new BadRequestProblem(partnerId == null ? "partnerId" : scenarioId == null ? "scenarioId" : "from",
                    "the report would cover more than " + MAX_GUESTS + " guests: narrow it by partner, scenario or period");
        }
        return ids;
    }

    private Map<UUID, List<AuditRecord>> facts(List<UUID> guestIds, Instant since, Instant until) {
        var query = em.createQuery("select a from AuditRecord a where a.guestId in :guests"
                + (since == null ? "" : " and a.recordedAt >= :since") + (until == null ? "" : " and a.recordedAt < :until")
                + " order by a.seq", AuditRecord.class).setParameter("guests", guestIds);
        if (since != null) {
            query.setParameter("since", since);
        }
        if (until != null) {
            query.setParameter("until", until);
        }
        return query.getResultList().stream().collect(Collectors.groupingBy(a -> a.guestId, LinkedHashMap::new, Collectors.toList()));
    }

    private void names(Map<UUID, String> names, List<UUID> resourceIds) {
        List<UUID> missing = resourceIds.stream().filter(id -> !names.containsKey(id)).toList();
        Entities.byIds(em, Resource.class, missing).forEach(r -> names.put(r.id, r.name));
    }

    /** Who the guest is (as inventory holds them now: a removed guest's address and name are erased) and who vouches for them. */
    private static List<Line> identity(Guest g) {
        List<Line> lines = new ArrayList<>();
        String who = g.removedAt != null ? "home tenant " + g.homeTenantId + "; removed " + g.removedAt + " (" + g.removedReason + "), personal data erased"
                : "home tenant " + g.homeTenantId + ", home subject " + g.homeSubject + ", address " + g.email
                        + (g.displayName == null ? "" : ", name " + g.displayName) + "; " + g.state;
        lines.add(new Line(g.id, g.email, g.partnerId, "IDENTITY", g.createdAt, g.invitedBy, null, null, null, who, null, null, null, null));
        g.sponsors.stream().sorted().forEach(sponsor -> lines.add(new Line(g.id, g.email, g.partnerId, "SPONSOR", null, null, null, null, null,
                sponsor, null, null, null, null)));
        return lines;
    }

    private static Line line(Guest g, AuditRecord a, Map<UUID, String> resourceNames) {
        JsonNode d = details(a);
        String section;
        String what;
        switch (a.action) {
            case "GUEST_INVITED" -> {
                section = "INVITED";
                what = "invited";
            }
            case "GRANT_CREATED" -> {
                section = "GRANT";
                what = "granted as " + text(d, "role") + (d.hasNonNull("expiresAt") ? " until " + text(d, "expiresAt") : ", no end date")
                        + (d.hasNonNull("requestId") ? "; access request " + text(d, "requestId") : "")
                        + (d.hasNonNull("policyDecision") ? "; allowed by policy decision " + text(d, "policyDecision") : "");
            }
            case "ACCESS_REQUEST_DELIVERED" -> {
                section = "REQUEST";
                what = "access request delivered: package " + text(d, "accessPackage") + ", approved by " + list(d, "approvers");
            }
            case "REVIEW_DECISION_RECORDED" -> {
                section = "REVIEW";
                what = text(d, "decision") + " in campaign " + Optional.ofNullable(text(d, "campaign")).orElse(a.cause)
                        + (d.hasNonNull("recommendation") ? "; recommended " + text(d, "recommendation")
                                + (d.hasNonNull("recommendationReason") ? " (" + text(d, "recommendationReason") + ")" : "") : "");
            }
            case "GRANT_REVOKED" -> {
                section = "END_OF_ACCESS";
                what = "revoked: " + a.reason + (d.hasNonNull("note") ? " (" + text(d, "note") + ")" : "");
            }
            case "GUEST_REMOVED" -> {
                section = "REMOVED";
                what = "removed: " + a.reason + "; grants revoked " + list(d, "revokedGrantIds");
            }
            default -> {
                section = a.action;
                what = a.action.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
            }
        }
        String why = a.action.equals("GRANT_REVOKED") || a.action.equals("GUEST_REMOVED") ? null : a.reason;
        return new Line(g.id, g.email, g.partnerId, section, a.recordedAt, a.actor, a.resourceId, a.resourceId == null ? null : resourceNames.get(a.resourceId),
                a.action.startsWith("GRANT_") || a.action.equals("REVIEW_DECISION_RECORDED") ? a.targetId : null, what, why, a.cause, a.chainSeq, a.hash);
    }

    private String chainHead() {
        return em.createQuery("select a.hash from AuditRecord a where a.chainSeq is not null order by a.chainSeq desc", String.class).setMaxResults(1)
                .getResultStream().findFirst().orElse(null);
    }

    private static JsonNode details(AuditRecord a) {
        try {
            return a.details == null ? EventJson.mapper().createObjectNode() : EventJson.mapper().readTree(a.details);
        } catch (IOException e) {
            return EventJson.mapper().createObjectNode();
        }
    }

    private static String text(JsonNode details, String name) {
        JsonNode value = details.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String list(JsonNode details, String name) {
        JsonNode value = details.get(name);
        if (value == null || !value.isArray() || value.isEmpty()) {
            return "none";
        }
        List<String> items = new ArrayList<>();
        value.forEach(item -> items.add(item.asText()));
        return String.join(" ", items);
    }
}
