package dev.portcullis.policy.service;

import dev.portcullis.backbone.work.Retention;
import dev.portcullis.policy.config.PolicySettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The decision log ages out like the outbox and the inbox: {@code portcullis.policy.decision-log-retention} (30 days). */
@Singleton
public class DecisionLogRetention {

    @Produces
    @Singleton
    Retention.Kept decisionLog(PolicySettings settings) {
        return new Retention.Kept("decision_log", "decided_at", settings.decisionLogRetention());
    }
}
