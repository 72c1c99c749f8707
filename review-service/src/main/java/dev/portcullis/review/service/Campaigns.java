package dev.portcullis.review.service;

import dev.portcullis.events.ocsf.OcsfMapping.Change;
import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.events.AccessRevocationRequested;
import dev.portcullis.events.CampaignCompleted;
import dev.portcullis.events.CampaignStarted;
import dev.portcullis.events.ReviewDecisionRecorded;
import dev.portcullis.events.ReviewReminderDue;
import dev.portcullis.events.ReviewerAssigned;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.events.Sensitivity;
import dev.portcullis.readmodel.GrantRevoked;
import dev.portcullis.readmodel.GrantsRevoked;
import dev.portcullis.backbone.Entities;
import dev.portcullis.review.config.ReviewSettings;
import dev.portcullis.review.domain.Campaign;
import dev.portcullis.review.domain.Recurrence;
import dev.portcullis.review.domain.ReviewDefinition;
import dev.portcullis.review.domain.ReviewItem;
import dev.portcullis.review.domain.StoredJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.hibernate.Session;
import org.jboss.logging.Logger;

/**
 * Review definitions and their campaigns, from the start (scope and reviewers resolved from the
 * service's own read model, once) through decisions to the applied outcome. Every change of a
 * campaign happens under its row lock, so the scheduler of two instances, an admin and the consumer
 * of {@code access-revoked} never do one thing twice; locks are taken campaign first, items second.
 */
@ApplicationScoped
public class Campaigns {

    private static final Logger LOG = Logger.getLogger(Campaigns.class);

    @Inject
    dev.portcullis.backbone.outbox.AdminChanges adminChanges;

    @Inject
    EntityManager em;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    StoredJson json;

    @Inject
    ReviewSettings settings;

    // ---- definitions

    @Transactional
    public ReviewDefinition define(DefinitionSpec spec, String actor) {
        spec.check();
        List<UUID> packages = spec.scope().packageIds() == null ? List.of() : spec.scope().packageIds();
        for (int i = 0; i < packages.size(); i++) {
            if (em.find(dev.portcullis.review.domain.AccessPackage.class, packages.get(i)) == null) {
                throw new BadRequestProblem("scope.packageIds[" + i + "]", "names no access package");
            }
        }
        Instant now = clock.instant();
        ReviewDefinition definition = new ReviewDefinition();
        definition.id = Ids.next();
        definition.name = spec.name();
        definition.spec = json.write(spec);
        definition.recurrence = spec.recurrence();
        // a recurring definition starts its first campaign at startAt, or at once; a one-off one only when asked (or at startAt)
        definition.nextStartAt = spec.startAt() != null ? spec.startAt() : spec.recurrence() == Recurrence.ONCE ? null : now;
        definition.createdBy = actor;
        definition.createdAt = now;
        definition.persist();
        adminChanges.record(actor, Change.CREATED, "Review definition", "review-definition-created", definition.id, definition.name,
                Map.of("recurrence", spec.recurrence().name(), "reviewers", spec.reviewers().name()));
        return definition;
    }

    public DefinitionSpec spec(String stored) {
        return json.read(stored, DefinitionSpec.class, "review definition");
    }

    // ---- start

    /** Starts a campaign of the definition now: its items stored, its reviewers fixed and told. */
    @Transactional
    public Campaign start(UUID definitionId, String actor) {
        ReviewDefinition definition = em.find(ReviewDefinition.class, definitionId, LockModeType.PESSIMISTIC_WRITE);
        if (definition == null) {
            throw new NotFoundProblem("review definition", definitionId);
        }
        return start(definition, actor, clock.instant());
    }

    /**
     * A one-off review defined and started in one transaction (one call, as the posture's recommendations act): a definition
     * that is not ONCE, or that names a later startAt, is refused naming the field.
     */
    @Transactional
    public Campaign defineAndStart(DefinitionSpec spec, String actor) {
        if (spec.recurrence() != Recurrence.ONCE) {
            throw new BadRequestProblem("recurrence", "a campaign started now is ONCE; a recurring review is defined at /api/v1/review-definitions");
        }
        if (spec.startAt() != null) {
            throw new BadRequestProblem("startAt", "a campaign started now has no startAt; a later one is defined at /api/v1/review-definitions");
        }
        return start(define(spec, actor), actor, clock.instant());
    }

    /** Starts the definition's campaign if it is (still) due at {@code now}; for the scheduler, under the definition's lock. */
    @Transactional
    public boolean startIfDue(UUID definitionId, Instant now) {
        ReviewDefinition definition = em.find(ReviewDefinition.class, definitionId, LockModeType.PESSIMISTIC_WRITE);
        if (definition == null || definition.nextStartAt == null || definition.nextStartAt.isAfter(now)) {
            return false;
        }
        start(definition, "system:scheduler", now);
        return true;
    }

    private Campaign start(ReviewDefinition definition, String actor, Instant at) {
        Instant now = at.truncatedTo(java.time.temporal.ChronoUnit.MICROS); // as PostgreSQL keeps it: the events say what the rows say
        DefinitionSpec spec = spec(definition.spec);
        Campaign campaign = new Campaign();
        campaign.id = Ids.next();
        campaign.definitionId = definition.id;
        campaign.name = definition.name;
        campaign.spec = definition.spec;
        campaign.state = Campaign.State.IN_PROGRESS;
        campaign.startedBy = actor;
        campaign.startedAt = now;
        campaign.endsAt = now.plus(Duration.ofDays(spec.totalDays()));
        campaign.stage = 1;
        campaign.stageEndsAt = now.plus(Duration.ofDays(spec.durationDays()));
        campaign.persist();
        em.flush();
        definition.nextStartAt = definition.recurrence.after(now);

        long began = System.nanoTime();
        int items = em.unwrap(Session.class).doReturningWork(connection -> insertItems(connection, campaign.id, spec, now));
        long inserted = System.nanoTime();
        Map<String, Integer> reviewers = reviewerCounts(campaign.id, false);
        outbox.publish(new CampaignStarted(campaign.id.toString(), definition.id.toString(), campaign.name, now, campaign.endsAt, items,
                reviewers.size(), actor));
        assignReviewers(campaign, reviewers);
        LOG.infof("campaign=%s of definition=%s started: %d items (stored in %d ms), %d reviewers (told in %d ms)", campaign.id, definition.id, items,
                (inserted - began) / 1_000_000, reviewers.size(), (System.nanoTime() - inserted) / 1_000_000);
        return campaign;
    }

    /**
     * The campaign's items in one statement over the read model: active grants of guests not removed,
     * narrowed by the scope, each with its reviewers (the fallback when none resolves) and a
     * recommendation from the guest's last sign-in.
     */
    private int insertItems(Connection connection, UUID campaignId, DefinitionSpec spec, Instant now) throws SQLException {
        DefinitionSpec.Scope scope = spec.scope();
        ReviewerSql reviewers = ReviewerSql.of(spec.stages().get(0));
        // days since the guest's last activity: the latest sign-in, or the invitation for one who never signed in
        String idleDays = "floor(extract(epoch from (?::timestamptz - coalesce(u.last_sign_in_at, u.invited_at, u.updated_at))) / 86400)::int";
        String sql = "insert into review_item (id, campaign_id, grant_id, guest_id, resource_id, reviewers, state, opened_at, recommendation,"
                + " recommendation_reason) select uuid_v7(), ?, g.grant_id, g.guest_id, g.resource_id,"
                + " " + reviewers.column() + ", 'OPEN', ?,"
                + " case when " + idleDays + " >= ? then 'DENY' else 'APPROVE' end,"
                + " case when u.last_sign_in_at is null then 'never signed in (invited ' || " + idleDays + " || ' days ago)'"
                + " when " + idleDays + " >= ? then 'no sign-in for ' || " + idleDays + " || ' days'"
                + " else 'signed in ' || " + idleDays + " || ' days ago' end"
                + " from rm_grant g join rm_guest u on u.guest_id = g.guest_id join rm_resource r on r.resource_id = g.resource_id" + reviewers.joins()
                + " where g.state = 'ACTIVE' and u.state <> 'REMOVED'"
                + " and (?::uuid[] is null or u.partner_id = any(?::uuid[]))"
                + " and (?::uuid[] is null or g.resource_id = any(?::uuid[]))"
                + " and (?::int is null or " + SENSITIVITY_RANK + " >= ?::int)"
                // a package's assignments: the grants its delivered requests made
                + " and (?::uuid[] is null or exists (select 1 from access_request_delivery d join access_request q on q.id = d.request_id"
                + " where d.grant_id = g.grant_id and q.package_id = any(?::uuid[])))"
                // inactive for inactiveDays; a guest invited inside that window cannot have been, and is skipped
                + " and (?::timestamptz is null or (coalesce(u.last_sign_in_at, u.invited_at, u.updated_at) <= ?::timestamptz"
                + " and coalesce(u.invited_at, u.updated_at) <= ?::timestamptz))";
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            int i = 1;
            insert.setObject(i++, campaignId);
            i = reviewers.bind(insert, i, connection);
            Timestamp at = Timestamp.from(now);
            insert.setTimestamp(i++, at); // opened_at
            insert.setTimestamp(i++, at); // the recommendation: idle days
            insert.setInt(i++, spec.recommendInactiveDays());
            insert.setTimestamp(i++, at); // its reason: never signed in
            insert.setTimestamp(i++, at); // no sign-in for …
            insert.setInt(i++, spec.recommendInactiveDays());
            insert.setTimestamp(i++, at);
            insert.setTimestamp(i++, at); // signed in … ago
            Array partners = scope.partnerIds() == null || scope.partnerIds().isEmpty() ? null
                    : connection.createArrayOf("uuid", scope.partnerIds().toArray());
            insert.setArray(i++, partners);
            insert.setArray(i++, partners);
            Array resources = scope.resourceIds() == null || scope.resourceIds().isEmpty() ? null
                    : connection.createArrayOf("uuid", scope.resourceIds().toArray());
            insert.setArray(i++, resources);
            insert.setArray(i++, resources);
            Integer minRank = scope.minSensitivity() == null ? null : scope.minSensitivity().ordinal();
            insert.setObject(i++, minRank, java.sql.Types.INTEGER);
            insert.setObject(i++, minRank, java.sql.Types.INTEGER);
            Array packages = scope.packageIds() == null || scope.packageIds().isEmpty() ? null
                    : connection.createArrayOf("uuid", scope.packageIds().toArray());
            insert.setArray(i++, packages);
            insert.setArray(i++, packages);
            Timestamp inactiveSince = scope.inactiveDays() == null ? null : Timestamp.from(now.minus(Duration.ofDays(scope.inactiveDays())));
            insert.setTimestamp(i++, inactiveSince);
            insert.setTimestamp(i++, inactiveSince);
            insert.setTimestamp(i++, inactiveSince);
            return insert.executeUpdate();
        }
    }

    /**
     * A stage's reviewers of an item in SQL, over a row {@code g} with {@code resource_id} and {@code guest_id}
     * and its guest {@code u}: the resource's owners or the guest's sponsors (each list aggregated once per
     * resource or guest, not looked up once per grant), the guest, or the named people; the fallback when
     * none resolves.
     */
    private record ReviewerSql(DefinitionSpec.Stage stage, String column, String joins) {

        static ReviewerSql of(DefinitionSpec.Stage stage) {
            String reviewers = switch (stage.reviewers()) {
                case RESOURCE_OWNERS -> "ro.emails";
                case SPONSORS -> "gs.emails";
                case SELF -> "array[lower(u.email)]::varchar[]";
                case NAMED -> "?::varchar[]";
            };
            String joins = switch (stage.reviewers()) {
                case RESOURCE_OWNERS -> " left join (select resource_id, array_agg(lower(email) order by lower(email))::varchar[] emails"
                        + " from rm_resource_owner group by resource_id) ro on ro.resource_id = g.resource_id";
                case SPONSORS -> " left join (select guest_id, array_agg(lower(email) order by lower(email))::varchar[] emails"
                        + " from rm_guest_sponsor group by guest_id) gs on gs.guest_id = g.guest_id";
                case SELF, NAMED -> "";
            };
            return new ReviewerSql(stage, "coalesce(nullif(" + reviewers + ", '{}'), ?::varchar[])", joins);
        }

        /** Binds the column's parameters from {@code i}; returns the next index. */
        int bind(PreparedStatement statement, int i, Connection connection) throws SQLException {
            if (stage.reviewers() == DefinitionSpec.Reviewers.NAMED) {
                statement.setArray(i++, lowerCase(connection, stage.namedReviewers()));
            }
            statement.setArray(i++, lowerCase(connection, stage.fallbackReviewers()));
            return i;
        }
    }

    /** One {@code reviewer-assigned} per reviewer of the campaign's running stage, with their count, the stage's end and the link. */
    private void assignReviewers(Campaign campaign, Map<String, Integer> reviewers) {
        String link = link(campaign);
        reviewers.forEach((reviewer, count) -> outbox.publish(new ReviewerAssigned(campaign.id.toString(), campaign.name, reviewer, count,
                campaign.stageEndsAt, link, campaign.stage)));
    }

    /** A sensitivity's rank in SQL, in the order of {@link Sensitivity}. */
    private static final String SENSITIVITY_RANK = "(case r.sensitivity " + String.join(" ",
            Arrays.stream(Sensitivity.values()).map(s -> "when '" + s.name() + "' then " + s.ordinal()).toList()) + " else -1 end)";

    private static Array lowerCase(Connection connection, List<String> emails) throws SQLException {
        return connection.createArrayOf("varchar", emails.stream().map(e -> e.toLowerCase(Locale.ROOT)).toArray());
    }

    /** Items per reviewer (only undecided ones when {@code pendingOnly}), by reviewer. */
    private Map<String, Integer> reviewerCounts(UUID campaignId, boolean pendingOnly) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select r, count(*) from review_item i, unnest(i.reviewers) r where i.campaign_id = :c"
                + " and i.state = 'OPEN'" + (pendingOnly ? " and i.decision is null" : "") + " group by r order by r")
                .setParameter("c", campaignId).getResultList();
        Map<String, Integer> counts = new LinkedHashMap<>();
        rows.forEach(row -> counts.put((String) row[0], ((Number) row[1]).intValue()));
        return counts;
    }

    private String link(Campaign campaign) {
        return settings.pageUrl() + "?campaign=" + campaign.id;
    }

    // ---- decisions

    /** Records (or changes) a decision of one of the item's reviewers; anyone else learns nothing of the item (404). */
    @Transactional
    public ReviewItem decide(UUID itemId, String reviewer, ReviewItem.Decision decision, String justification) {
        ReviewItem unlocked = ReviewItem.findById(itemId);
        if (unlocked == null || unlocked.campaignId == null || !unlocked.reviewedBy(reviewer)) {
            throw new NotFoundProblem("review item", itemId);
        }
        int stageSeen = unlocked.stage;
        // the campaign first (shared: decisions run side by side, a completion waits for them), the item second
        Campaign campaign = em.find(Campaign.class, unlocked.campaignId, LockModeType.PESSIMISTIC_READ);
        ReviewItem item = em.find(ReviewItem.class, itemId, LockModeType.PESSIMISTIC_WRITE);
        em.refresh(item);
        // again under the locks: a decision that waited while the next stage began is not that stage's decision
        if (item.stage != stageSeen) {
            throw new ConflictProblem("the item moved to stage " + item.stage + " while this decision waited: it was not recorded; decide again"
                    + " if the item is still yours");
        }
        if (!item.reviewedBy(reviewer)) {
            throw new NotFoundProblem("review item", itemId);
        }
        if (campaign.state != Campaign.State.IN_PROGRESS) {
            throw new ConflictProblem("the campaign is " + campaign.state + "; decisions are taken while it is IN_PROGRESS");
        }
        if (item.state != ReviewItem.State.OPEN) {
            throw new ConflictProblem("the item is closed (" + item.closedReason + "): its grant ended elsewhere");
        }
        String why = justification == null || justification.isBlank() ? null : justification.strip();
        if (why == null && spec(campaign.spec).justificationRequired()) {
            throw new BadRequestProblem("justification", "this review requires a justification for every decision");
        }
        Instant now = clock.instant();
        item.decision = decision;
        item.justification = why;
        item.decidedBy = reviewer.toLowerCase(Locale.ROOT);
        item.decidedAt = now;
        outbox.publish(new ReviewDecisionRecorded(campaign.id.toString(), item.id.toString(), item.grantId.toString(), item.guestId.toString(),
                item.resourceId.toString(), item.decidedBy, decision.name(), why, now, campaign.name,
                item.recommendation == null ? null : item.recommendation.name(), item.recommendationReason));
        return item;
    }

    /**
     * Decides each of the reviewer's undecided items of the campaign as recommended, in one transaction:
     * all of them or, if one is refused (a justification missing, the campaign closed), none. Decisions
     * the reviewer already took stay. Returns how many items it decided.
     */
    @Transactional
    public int acceptRecommendations(UUID campaignId, String reviewer, String justification) {
        @SuppressWarnings("unchecked")
        List<Object[]> undecided = em.createNativeQuery("select i.id, i.recommendation from review_item i where i.campaign_id = :c"
                + " and i.reviewers @> cast(array[:me] as varchar[]) and i.state = 'OPEN' and i.decision is null and i.recommendation is not null")
                .setParameter("c", campaignId).setParameter("me", reviewer.toLowerCase(Locale.ROOT)).getResultList();
        for (Object[] row : undecided) {
            decide((UUID) row[0], reviewer, ReviewItem.Decision.valueOf((String) row[1]), justification);
        }
        return undecided.size();
    }

    // ---- completion and applying

    /** Ends the campaign (an admin early, the scheduler at its end): every item gets its outcome; revocations go out if auto-applied and not held. */
    @Transactional
    public Campaign complete(UUID campaignId, String actor) {
        Campaign campaign = Campaign.lock(campaignId).orElseThrow(() -> new NotFoundProblem("campaign", campaignId));
        if (campaign.state != Campaign.State.IN_PROGRESS) {
            throw new ConflictProblem("the campaign is " + campaign.state + "; only an IN_PROGRESS campaign completes");
        }
        complete(campaign, actor, clock.instant());
        return campaign;
    }

    /**
     * Ends the campaign's running stage if it is past its end at {@code now}, for the scheduler: the next
     * stage starts, or after the last the campaign completes. Returns true if it completed.
     */
    @Transactional
    public boolean completeIfDue(UUID campaignId, Instant now) {
        Campaign campaign = Campaign.lock(campaignId).orElse(null);
        if (campaign == null || campaign.state != Campaign.State.IN_PROGRESS || campaign.stageEndsAt.isAfter(now)) {
            return false;
        }
        List<DefinitionSpec.Stage> stages = spec(campaign.spec).stages();
        if (campaign.stage < stages.size()) {
            startStage(campaign, stages.get(campaign.stage), now);
            return false;
        }
        complete(campaign, "system:scheduler", now);
        return true;
    }

    /**
     * The next stage: each open item's decision so far is kept (review_stage_decision); the items that do
     * not move on (the stage's {@code proceed}) get their outcome from it, as at completion; the others
     * move to the stage, with its reviewers (resolved now, then fixed) and no decision yet; its reviewers
     * are told.
     */
    private void startStage(Campaign campaign, DefinitionSpec.Stage next, Instant now) {
        DefinitionSpec spec = spec(campaign.spec);
        em.createNativeQuery("insert into review_stage_decision (item_id, stage, reviewers, decision, justification, decided_by, decided_at)"
                + " select id, stage, reviewers, decision, justification, decided_by, decided_at from review_item where campaign_id = :c and state = 'OPEN'")
                .setParameter("c", campaign.id).executeUpdate();
        String proceeds = next.proceed().contains(DefinitionSpec.Proceed.ALL) ? "true" : "(" + String.join(" or ", next.proceed().stream()
                .map(p -> switch (p) {
                    case APPROVED -> "decision = 'APPROVE'";
                    case DENIED -> "decision = 'DENY'";
                    case DONT_KNOW -> "decision = 'DONT_KNOW'";
                    case NOT_REVIEWED -> "decision is null";
                    case ALL -> "true";
                }).toList()) + ")";
        settle(campaign.id, spec, "not " + proceeds);
        ReviewerSql reviewers = ReviewerSql.of(next);
        int moved = em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement update = connection.prepareStatement("update review_item i set stage = ?, reviewers = x.reviewers, decision = null,"
                    + " justification = null, decided_by = null, decided_at = null from (select g.id, " + reviewers.column() + " reviewers"
                    + " from review_item g join rm_guest u on u.guest_id = g.guest_id" + reviewers.joins()
                    + " where g.campaign_id = ? and g.state = 'OPEN') x where i.id = x.id")) {
                update.setInt(1, next.number());
                int i = reviewers.bind(update, 2, connection);
                update.setObject(i, campaign.id);
                return update.executeUpdate();
            }
        });
        campaign.stage = next.number();
        campaign.stageEndsAt = now.plus(Duration.ofDays(next.durationDays()));
        campaign.remindersSent = new Integer[0];
        em.flush();
        Map<String, Integer> assigned = reviewerCounts(campaign.id, false);
        assignReviewers(campaign, assigned);
        LOG.infof("campaign=%s stage %d started: %d items moved on (%s), %d reviewers", campaign.id, next.number(), moved, next.proceed(),
                assigned.size());
    }

    /** Gives the open items matching {@code where} their outcome: as decided ({@code DONT_KNOW} kept), else the definition's default. */
    private void settle(UUID campaignId, DefinitionSpec spec, String where) {
        String undecided = switch (spec.defaultDecision()) {
            case NONE -> "'NONE'";
            case APPROVE -> "'APPROVE'";
            case DENY -> "'DENY'";
            case RECOMMENDATION -> "recommendation";
        };
        // DONT_KNOW is an answer, not a denial: the item is kept, like one nobody answered under NONE
        em.createNativeQuery("update review_item set state = 'DECIDED', outcome = case decision when 'APPROVE' then 'APPROVE' when 'DENY' then 'DENY'"
                + " when 'DONT_KNOW' then 'NONE' else " + undecided + " end where campaign_id = :c and state = 'OPEN' and " + where)
                .setParameter("c", campaignId).executeUpdate();
    }

    private void complete(Campaign campaign, String actor, Instant now) {
        DefinitionSpec spec = spec(campaign.spec);
        settle(campaign.id, spec, "true");
        CampaignCompleted.Counts counts = counts(campaign.id);
        campaign.state = Campaign.State.COMPLETED;
        campaign.completedAt = now;
        int reviewed = counts.total() - counts.revokedElsewhere();
        if (counts.denied() >= settings.guard().minItems() && counts.denied() > settings.guard().maxShare() * reviewed) {
            campaign.applyHeld = true;
            campaign.applyHeldReason = String.format(Locale.ROOT, "applying would revoke %d of %d items (%.0f%%), more than the %.0f%% allowed without"
                    + " confirmation: an admin confirms with POST /api/v1/campaigns/%s/apply?confirm=true", counts.denied(), reviewed,
                    100.0 * counts.denied() / reviewed, 100 * settings.guard().maxShare(), campaign.id);
        }
        em.flush();
        outbox.publish(new CampaignCompleted(campaign.id.toString(), campaign.definitionId.toString(), campaign.name, campaign.startedBy, now, counts,
                spec.autoApply(), campaign.applyHeld, campaign.applyHeldReason));
        LOG.infof("campaign=%s completed by %s: %s%s", campaign.id, actor, counts, campaign.applyHeld ? " (apply held: " + campaign.applyHeldReason + ")" : "");
        if (spec.autoApply() && !campaign.applyHeld) {
            requestRevocations(campaign, actor, now);
        }
    }

    /** Applies a completed campaign's outcome now; a held one only with {@code confirm}. */
    @Transactional
    public Campaign apply(UUID campaignId, boolean confirm, String actor) {
        Campaign campaign = Campaign.lock(campaignId).orElseThrow(() -> new NotFoundProblem("campaign", campaignId));
        if (campaign.state != Campaign.State.COMPLETED) {
            throw new ConflictProblem("the campaign is " + campaign.state + "; only a COMPLETED campaign is applied");
        }
        if (campaign.applyHeld && !confirm) {
            throw new ConflictProblem(campaign.applyHeldReason);
        }
        if (campaign.applyHeld) {
            LOG.warnf("campaign=%s: %s confirmed a held apply (%s)", campaign.id, actor, campaign.applyHeldReason);
            campaign.applyHeld = false;
        }
        requestRevocations(campaign, actor, clock.instant());
        return campaign;
    }

    /**
     * Asks inventory to revoke each denied grant not asked yet (the item is the cause, so the
     * {@code access-revoked} it causes names it). A grant that already ended counts as revoked. The
     * campaign is APPLIED once nothing asked is still waiting.
     */
    private void requestRevocations(Campaign campaign, String actor, Instant now) {
        List<ReviewItem> denied = ReviewItem.list("campaignId = ?1 and outcome = ?2 and revocationRequestedAt is null", campaign.id,
                ReviewItem.Outcome.DENY);
        // the grants' states in one query, not one per item
        @SuppressWarnings("unchecked")
        java.util.Set<UUID> active = new java.util.HashSet<>(em.createNativeQuery("select g.grant_id from rm_grant g join review_item i on i.grant_id = g.grant_id"
                + " where i.campaign_id = :c and i.outcome = 'DENY' and i.revocation_requested_at is null and g.state = 'ACTIVE'", UUID.class)
                .setParameter("c", campaign.id).getResultList());
        for (ReviewItem item : denied) {
            item.revocationRequestedAt = now;
            if (!active.contains(item.grantId)) {
                item.revokedAt = now;
                continue;
            }
            outbox.publish(new AccessRevocationRequested(item.grantId.toString(), item.guestId.toString(), RevocationReason.REVIEW_DENIED,
                    item.id.toString(), "review campaign \"" + campaign.name + "\"", now, actor));
        }
        em.flush();
        markAppliedIfDone(campaign, now);
    }

    private void markAppliedIfDone(Campaign campaign, Instant now) {
        long waiting = ReviewItem.count("campaignId = ?1 and revocationRequestedAt is not null and revokedAt is null", campaign.id);
        if (campaign.state == Campaign.State.COMPLETED && !campaign.applyHeld && waiting == 0) {
            campaign.state = Campaign.State.APPLIED;
            campaign.appliedAt = now;
            LOG.infof("campaign=%s applied", campaign.id);
        }
    }

    /** Cancels a running campaign: its open items close, nothing is applied. */
    @Transactional
    public Campaign cancel(UUID campaignId, String actor) {
        Campaign campaign = Campaign.lock(campaignId).orElseThrow(() -> new NotFoundProblem("campaign", campaignId));
        if (campaign.state != Campaign.State.IN_PROGRESS) {
            throw new ConflictProblem("the campaign is " + campaign.state + "; only an IN_PROGRESS campaign is cancelled");
        }
        Instant now = clock.instant();
        campaign.state = Campaign.State.CANCELLED;
        campaign.cancelledAt = now;
        em.createNativeQuery("update review_item set state = 'CLOSED', closed_reason = 'CAMPAIGN_CANCELLED', closed_cause = :actor, closed_at = :now"
                + " where campaign_id = :c and state = 'OPEN'").setParameter("actor", actor).setParameter("now", now).setParameter("c", campaign.id)
                .executeUpdate();
        LOG.infof("campaign=%s cancelled by %s", campaign.id, actor);
        return campaign;
    }

    // ---- reminders

    /** Sends the reminders due at {@code now} (once per reminder day) to reviewers who still have undecided items. */
    @Transactional
    public int remindIfDue(UUID campaignId, Instant now) {
        Campaign campaign = Campaign.lock(campaignId).orElse(null);
        if (campaign == null || campaign.state != Campaign.State.IN_PROGRESS) {
            return 0;
        }
        List<Integer> sent = new ArrayList<>(List.of(campaign.remindersSent));
        List<Integer> due = spec(campaign.spec).reminderDaysBeforeEnd().stream()
                .filter(d -> !sent.contains(d) && !now.isBefore(campaign.stageEndsAt.minus(Duration.ofDays(d)))).toList();
        if (due.isEmpty()) {
            return 0;
        }
        // several due at once (the scheduler was down): one reminder, for the nearest end
        int days = due.stream().min(Integer::compare).orElseThrow();
        sent.addAll(due);
        campaign.remindersSent = sent.toArray(Integer[]::new);
        Map<String, Integer> pending = reviewerCounts(campaign.id, true);
        String link = link(campaign);
        pending.forEach((reviewer, count) -> outbox.publish(new ReviewReminderDue(campaign.id.toString(), campaign.name, reviewer, count,
                campaign.stageEndsAt, days, link, campaign.stage)));
        return pending.size();
    }

    // ---- consistency with revocations elsewhere

    /**
     * Runs inside the transaction that applies {@code access-revoked} (and records it in the inbox), once for the grants of its
     * events: an open item of a grant closes (REVOKED_ELSEWHERE, never sent to a reviewer again); an item whose revocation this
     * service asked for is revoked, and its campaign APPLIED when it was the last. One query finds the campaigns for all the
     * grants (most revocations touch none), where a query per grant was a fifth of review-service's CPU per partner signal.
     */
    @SuppressWarnings("unchecked")
    void onGrantsRevoked(@Observes GrantsRevoked revoked) {
        Map<UUID, GrantRevoked> byGrant = new LinkedHashMap<>();
        revoked.grants().forEach(g -> byGrant.put(g.grantId(), g));
        // native, with an array: Hibernate caches no plan for a query with a list parameter, and a native query with a result
        // class cost a profile 13% of review-service's samples in its plan cache lookup (docs/benchmarks.md)
        List<UUID> campaigns = em.createNativeQuery("select distinct i.campaign_id from review_item i where i.grant_id = any(?1)"
                        + " and i.campaign_id is not null and (i.state = 'OPEN' or (i.revocation_requested_at is not null and i.revoked_at is null))"
                        + " order by i.campaign_id")
                .setParameter(1, byGrant.keySet().toArray(UUID[]::new)).getResultList();
        Instant now = clock.instant();
        for (UUID campaignId : campaigns) {
            Campaign campaign = Campaign.lock(campaignId).orElseThrow();
            for (ReviewItem item : Entities.byIds(em, ReviewItem.class, em.createNativeQuery("select i.id from review_item i"
                    + " where i.campaign_id = ?1 and i.grant_id = any(?2) order by i.id").setParameter(1, campaignId)
                    .setParameter(2, byGrant.keySet().toArray(UUID[]::new)).getResultList())) {
                GrantRevoked grant = byGrant.get(item.grantId);
                if (item.closeWithoutDecision("REVOKED_ELSEWHERE", grant.causeId(), now)) {
                    LOG.infof("review item=%s closed grant=%s guest=%s reason=%s cause=%s", item.id, grant.grantId(), grant.guestId(),
                            grant.reason(), grant.causeId());
                } else if (item.revocationRequestedAt != null && item.revokedAt == null) {
                    item.revokedAt = now;
                }
            }
            em.flush();
            markAppliedIfDone(campaign, now);
        }
    }

    /** A completed campaign whose asked revocation met a grant that had just ended elsewhere: seen from the read model, not from an event. */
    @Transactional
    public boolean confirmAppliedIfDone(UUID campaignId, Instant now) {
        Campaign campaign = Campaign.lock(campaignId).orElse(null);
        if (campaign == null || campaign.state != Campaign.State.COMPLETED) {
            return false;
        }
        em.createNativeQuery("update review_item i set revoked_at = :now from rm_grant g where i.campaign_id = :c and g.grant_id = i.grant_id"
                + " and i.revocation_requested_at is not null and i.revoked_at is null and g.state <> 'ACTIVE'")
                .setParameter("now", now).setParameter("c", campaignId).executeUpdate();
        markAppliedIfDone(campaign, now);
        return campaign.state == Campaign.State.APPLIED;
    }

    public CampaignCompleted.Counts counts(UUID campaignId) {
        Object[] row = (Object[]) em.createNativeQuery("select count(*),"
                + " count(*) filter (where coalesce(outcome, case decision when 'APPROVE' then 'APPROVE' when 'DENY' then 'DENY' end) = 'APPROVE'),"
                + " count(*) filter (where coalesce(outcome, case decision when 'APPROVE' then 'APPROVE' when 'DENY' then 'DENY' end) = 'DENY'),"
                + " count(*) filter (where state <> 'CLOSED' and coalesce(outcome, case decision when 'APPROVE' then 'APPROVE' when 'DENY' then 'DENY'"
                + " else 'NONE' end) = 'NONE'),"
                + " count(*) filter (where closed_reason = 'REVOKED_ELSEWHERE')"
                + " from review_item where campaign_id = :c").setParameter("c", campaignId).getSingleResult();
        return new CampaignCompleted.Counts(((Number) row[0]).intValue(), ((Number) row[1]).intValue(), ((Number) row[2]).intValue(),
                ((Number) row[3]).intValue(), ((Number) row[4]).intValue());
    }
}
