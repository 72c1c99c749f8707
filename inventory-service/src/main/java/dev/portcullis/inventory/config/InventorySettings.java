package dev.portcullis.inventory.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** inventory-service's own settings, beside the backbone's {@code PortcullisSettings}. */
@ConfigMapping(prefix = "portcullis.inventory")
public interface InventorySettings {

    Signals signals();

    Policy policy();

    SignIns signIns();

    Lifecycle lifecycle();

    /** The scheduled lifecycle jobs ({@code LifecycleJobs}). */
    interface Lifecycle {
        /** How often the jobs run ({@code off} disables them: the service's tests run them by hand). */
        @WithDefault("1m")
        String every();

        /** ACTIVE guests with no sign-in for this long are blocked (INACTIVE); their grants stay, for an unblock. */
        @WithDefault("90")
        int inactiveDays();

        /** BLOCKED guests are removed this long after the block (P0D: at once). */
        @WithDefault("P30D")
        Duration retention();

        /** INVITED guests who never signed in are removed this long after the invitation (INVITATION_EXPIRED). */
        @WithDefault("P30D")
        Duration invitationExpiry();

        /** Guests or grants one transaction handles. */
        @WithDefault("200")
        int batchSize();
    }

    interface SignIns {
        /** At most one {@code guest-signed-in} per guest per interval (an activation goes out at once). */
        @WithDefault("PT1H")
        Duration publishInterval();
    }

    interface Signals {
        /**
         * The actor recorded for signals read from {@code partner.signals}: its producers are whoever
         * the broker's ACLs let write to it, so the platform names the topic, never what a payload claims.
         */
        @WithDefault("kafka:partner.signals")
        String kafkaSource();
    }

    /** policy-service, asked before every invite and every grant. */
    interface Policy {
        /**
         * Whether invites and grants are evaluated. Off only where no policy-service runs (the
         * service's own tests); the prod profile turns it on, and start-up says loudly when it is off.
         */
        @WithDefault("true")
        boolean enabled();

        /** policy-service's base URLs, tried in order until one answers (its instances, or one load balancer). Required, like the secret: prod stops without them. */
        List<String> urls();

        /** How long one decision may take, all URLs together; past it the request is refused (503), fail closed. */
        @WithDefault("PT2S")
        Duration timeout();

        /** The OIDC client (client credentials) inventory-service asks as: the realm's portcullis-pdp. */
        @WithDefault("portcullis-pdp")
        String clientId();

        String clientSecret();
    }
}
