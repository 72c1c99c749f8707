package dev.portcullis.review.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The campaigns' clockwork: start the definitions that are due, send the reminders that are due,
 * start the next stage of a campaign whose stage ended (or complete it after its last), and confirm
 * applied campaigns whose last revocation was seen in the read model rather than as an event; and time out
 * access requests whose stage passed its deadline. Each step re-checks its object under its row lock,
 * so two instances running at once do each thing once; time comes from the argument, so tests choose it.
 */
@ApplicationScoped
public class CampaignJobs {

    private static final Logger LOG = Logger.getLogger(CampaignJobs.class);

    /** Objects one run looks at per step at most: the next run goes on. */
    private static final int BATCH = 200;

    @Inject
    Campaigns campaigns;

    @Inject
    AccessRequests requests;

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    /** What one run did. */
    public record Report(int started, int remindersSent, int completed, int applied, int requestsTimedOut) {
    }

    @Scheduled(every = "${portcullis.review.jobs-every:1m}", delayed = "20s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        Report report = run(clock.instant());
        if (report.started() + report.remindersSent() + report.completed() + report.applied() + report.requestsTimedOut() > 0) {
            LOG.infof("campaign jobs: %s", report);
        }
    }

    public Report run(Instant now) {
        int started = 0;
        for (UUID id : candidates("select id from review_definition where next_start_at <= :now order by next_start_at", now)) {
            started += campaigns.startIfDue(id, now) ? 1 : 0;
        }
        int reminders = 0;
        for (UUID id : candidates("select id from campaign where state = 'IN_PROGRESS' and jsonb_array_length(spec -> 'reminderDaysBeforeEnd') > 0"
                + " order by ends_at", now)) {
            reminders += campaigns.remindIfDue(id, now);
        }
        int completed = 0;
        // a stage past its end: the next one starts, or the campaign completes after its last
        for (UUID id : candidates("select id from campaign where state = 'IN_PROGRESS' and stage_ends_at <= :now order by stage_ends_at", now)) {
            completed += campaigns.completeIfDue(id, now) ? 1 : 0;
        }
        int applied = 0;
        for (UUID id : candidates("select distinct c.id from campaign c join review_item i on i.campaign_id = c.id join rm_grant g on g.grant_id = i.grant_id"
                + " where c.state = 'COMPLETED' and i.revocation_requested_at is not null and i.revoked_at is null and g.state <> 'ACTIVE'", now)) {
            applied += campaigns.confirmAppliedIfDone(id, now) ? 1 : 0;
        }
        int timedOut = 0;
        // an access request's stage past its deadline: escalated to its fallback approvers, or expired
        for (UUID id : candidates("select id from access_request where state = 'PENDING_APPROVAL' and stage_ends_at <= :now order by stage_ends_at",
                now)) {
            timedOut += requests.timeOutIfDue(id, now) ? 1 : 0;
        }
        return new Report(started, reminders, completed, applied, timedOut);
    }

    @SuppressWarnings("unchecked")
    private List<UUID> candidates(String sql, Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var query = em.createNativeQuery(sql + " limit " + BATCH, UUID.class);
            if (sql.contains(":now")) {
                query.setParameter("now", now);
            }
            return (List<UUID>) query.getResultList();
        });
    }
}
