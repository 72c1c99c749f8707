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
