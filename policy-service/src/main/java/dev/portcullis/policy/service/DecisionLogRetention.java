package dev.portcullis.policy.service;

import dev.portcullis.backbone.work.Retention;
import dev.portcullis.policy.config.PolicySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;

/** The decision log ages out like the outbox and the inbox: {@code portcullis.policy.decision-log-retention} (30 days). */
@ApplicationScoped
public class DecisionLogRetention implements Retention.Kept {

    @Inject
    PolicySettings settings;

    @Override
    public String table() {
        return "decision_log";
    }

    @Override
    public String timeColumn() {
        return "decided_at";
    }

    @Override
    public Duration keep() {
        return settings.decisionLogRetention();
    }
}
