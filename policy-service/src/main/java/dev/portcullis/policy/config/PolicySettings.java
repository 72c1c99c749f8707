package dev.portcullis.policy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** policy-service's own settings, beside the backbone's {@code PortcullisSettings}. */
@ConfigMapping(prefix = "portcullis.policy")
public interface PolicySettings {

    Enforcement enforcement();

    /**
     * How old the posture a request is given may be at most: one older than ten times what it took to compute (at least 1 s, at
     * most this) is recomputed in the background while the request gets it (stale while revalidating); 0 computes it for every
     * request (the service's tests).
     */
    @WithDefault("PT30S")
    Duration postureMaxAge();

    /** How long the decision log keeps a decision (an auditor's look back); older ones are pruned every hour. */
    @WithDefault("P30D")
    Duration decisionLogRetention();

    interface Enforcement {
        /**
         * The share of the grants in an enforced policy's scope that one change of the policy may
         * revoke without an admin's confirmation; above it (and at least {@link #holdMinGrants()})
         * the revocations are held.
         */
        @WithDefault("0.2")
        double holdShare();

        /** Fewer revocations than this are never held, whatever their share. */
        @WithDefault("10")
        int holdMinGrants();

        /** How often each instance looks for evaluation work a wake-up missed. */
        @WithDefault("PT1S")
        Duration poll();
    }
}
