package dev.portcullis.backbone.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/**
 * Everything the backbone of a service is configured with ({@code portcullis.*}), in one typed place
 * that SmallRye checks as a whole when the service starts: a missing value, or one that is not a
 * duration or a number, stops start-up naming the property. A service's own settings have a mapping
 * of their own beside this one (inventory's {@code InventorySettings}, notification's
 * {@code NotificationSettings}); review- and policy-service have none yet.
 * <p>
 * In the prod profile {@link #platform()} comes from the environment ({@code PORTCULLIS_DB_URL},
 * {@code PORTCULLIS_DB_USER}, {@code PORTCULLIS_DB_PASSWORD}, {@code PORTCULLIS_OIDC_URL},
 * {@code PORTCULLIS_KAFKA_BOOTSTRAP_SERVERS}); a missing one stops start-up with
 * {@code SRCFG00011: Could not expand value PORTCULLIS_… in property …}, every missing one listed,
 * before any connection is tried. Quarkus' own settings read from here (META-INF/microprofile-config.properties).
 */
@ConfigMapping(prefix = "portcullis")
public interface PortcullisSettings {

    Platform platform();

    Outbox outbox();

    Inbox inbox();

    Kafka kafka();

    Pdp pdp();

    Outbound outbound();

    Http http();

    /** Where the platform's infrastructure is, and with which credentials. */
    interface Platform {

        Database database();

        /** The realm that issues the tokens the REST APIs accept. */
        String oidcUrl();

        String kafkaBootstrapServers();
    }

    interface Database {
        /** A JDBC URL: {@code jdbc:postgresql://host:5432/database}. */
        String url();

        String user();

        String password();
    }

    /**
     * How large a request body each route takes, checked from its headers before any of it is read: a body declared larger is a
     * 413, a body of unknown length (chunked) on a limited route a 411. Quarkus' own {@code quarkus.http.limits.max-body-size} is
     * the ceiling of the bulk paths.
     */
    interface Http {
        /** Every route but those below. */
        @WithDefault("1M")
        io.quarkus.runtime.configuration.MemorySize maxBody();

        /** Path prefixes that take bodies up to Quarkus' limit (a CSV import), only from a caller who sends credentials. */
        java.util.Optional<List<String>> bulkPaths();

        /** Path prefixes open to callers without a token of ours (a partner's SET pushes), held to {@link #smallBody()}. */
        java.util.Optional<List<String>> smallBodyPaths();

        @WithDefault("64K")
        io.quarkus.runtime.configuration.MemorySize smallBody();
    }

    /** What the platform may call when an admin, a partner or an application names a URL (webhooks, SSF transmitters and receivers). */
    interface Outbound {
        /** Plain http besides https: for local runs and tests only. */
        @WithDefault("false")
        boolean allowHttp();

        /**
         * Hosts (names or address literals) that may be in a private network after all: a local Keycloak, the tests' own
         * servers. Anything else resolving to a loopback, private, link-local, CGNAT, NAT64 or 6to4 address is refused.
         */
        java.util.Optional<List<String>> privateHosts();

        /** The largest answer read from anyone: larger ones are cut off and refused, never held in memory. */
        @WithDefault("1048576")
        int maxResponseBytes();

        /** The longest a connection may take to open. */
        @WithDefault("PT5S")
        Duration connectTimeout();
    }

    interface Outbox {
        /** How often the relay looks for rows no notification announced, and a standby asks for the lease. */
        @WithDefault("PT1S")
        Duration pollInterval();

        /**
         * How long the relay's lease outlives a holder the database stops hearing from (its machine
         * gone, its network cut): PostgreSQL ends a lease session silent this long, which frees the
         * lock for a standby, and the holder gives up the lease after half of it without an answer,
         * before anyone else can take it. At least three poll intervals.
         */
        @WithDefault("PT15S")
        Duration leaseTimeout();

        /** Pending events this old mean the relay is stuck, not that Kafka blinked: the health check goes down. */
        @WithDefault("PT10M")
        Duration maxAge();

        /** How long published rows are kept, for audit and replay. */
        @WithDefault("P7D")
        Duration retention();
    }

    interface Inbox {
        /** How long applied-event ids are kept: longer than any redelivery. */
        @WithDefault("P30D")
        Duration retention();

        /** How long a record failing for a reason nobody classified is retried before it is dead-lettered. */
        @WithDefault("PT1M")
        Duration unknownFailureRetry();

        /** The longest pause between two attempts at a record that failed for a transient reason. */
        @WithDefault("PT5S")
        Duration maxBackoff();
    }

    interface Kafka {
        /** Whether the service creates the topics it uses (and their dead-letter topics) when they are missing. */
        @WithDefault("true")
        boolean provisionTopics();

        @WithDefault("6")
        int topicPartitions();

        @WithDefault("1")
        short replicationFactor();
    }

    /**
     * policy-service's AuthZEN decision point, for a service that asks it (inventory before an invite or
     * a grant, review before an access package is saved): off unless the service turns it on, and then
     * the URLs and the secret are required (the prod profile takes them from {@code PORTCULLIS_POLICY_URLS}
     * and {@code PORTCULLIS_PDP_CLIENT_SECRET}).
     */
    interface Pdp {
        /** Whether this service asks policy-service. Off only where no policy-service runs (a service's own tests); start-up says so loudly. */
        @WithDefault("false")
        boolean enabled();

        /**
         * policy-service's base URLs, tried in order until one answers (its instances, or one load balancer). {@value #UNSET} where
         * the service does not ask; not Optional, so that a prod profile's {@code ${PORTCULLIS_POLICY_URLS}} without the variable
         * stops start-up naming it (an Optional would quietly be empty), before anything connects.
         */
        @WithDefault(UNSET)
        List<String> urls();

        /** How long one decision may take, all URLs together; past it the request is refused (503), fail closed. */
        @WithDefault("PT2S")
        Duration timeout();

        /** The OIDC client (client credentials) the service asks as: the realm's portcullis-pdp. */
        @WithDefault("portcullis-pdp")
        String clientId();

        @WithDefault(UNSET)
        String clientSecret();

        /** What a service that does not ask policy-service leaves its URLs and secret as. */
        String UNSET = "unset";
    }
}
