package dev.portcullis.inventory.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** inventory-service's own settings, beside the backbone's {@code PortcullisSettings}. */
@ConfigMapping(prefix = "portcullis.inventory")
public interface InventorySettings {

    SignIns signIns();

    Lifecycle lifecycle();

    Ssf ssf();

    /** The Shared Signals receiver (partners' transmitters pushing SETs). */
    interface Ssf {
        /**
         * How old a SET's {@code iat} may be: as long as its {@code jti} is kept (the replay check), so a SET queued while this
         * receiver was down, or retried by the transmitter for hours, is still applied.
         */
        @WithDefault("P30D")
        Duration iatWindow();

        /** How long a transmitter's keys are kept before they are fetched again (a key the partner withdrew stops verifying). */
        @WithDefault("PT15M")
        Duration jwksCacheFor();

        /** How often a POLL stream at a partner's transmitter is polled when it had nothing (transmitters may not long-poll). */
        @WithDefault("PT2S")
        Duration pollEvery();

        /**
         * How long a poll may wait at a transmitter that long-polls (the poll asks it not to return at once; one that does not
         * long-poll answers at once anyway). PT0S: always {@code returnImmediately}.
         */
        @WithDefault("PT20S")
        Duration longPoll();

        /** Our own CAEP transmitter, for the organization's applications. */
        Transmitter transmitter();
    }

    /** The CAEP transmitter: its issuer, its signing keys, and how it delivers. */
    interface Transmitter {
        /** The issuer of our SETs and of {@code /.well-known/ssf-configuration}: inventory-service's public base URL, no path. */
        @WithDefault("http://127.0.0.1:8081")
        String issuer();

        /**
         * A PKCS#12 keystore of RSA keys: every key in it is published in the JWKS, the one under {@code signing-alias} signs. To
         * rotate, add the new key, make it the signing one, and drop the old one once receivers have the new. Without a keystore,
         * an instance signs with a key of its own made at start (one instance only: a receiver fetching the JWKS from another
         * instance would not find it).
         */
        Optional<String> keystore();

        Optional<String> keystorePassword();

        /** The alias of the signing key; the keystore's only key by default. */
        Optional<String> signingAlias();

        /** How long a receiver's push endpoint has to answer. */
        @WithDefault("PT5S")
        Duration pushTimeout();

        /**
         * How long an instance holds a push stream it took: it starts a push only while the lease outlasts it (push-timeout + 1 s),
         * so two instances never push one stream at once; at least twice that.
         */
        @WithDefault("PT60S")
        Duration pushLease();

        /** How many streams one receiver client may have. */
        @WithDefault("10")
        int maxStreamsPerClient();

        /** How many polls may wait for a SET at once per instance (each holds a worker thread); the others are answered at once. */
        @WithDefault("16")
        int maxLongPolls();

        /** The longest a poll waits for a SET when the poller asks to wait (RFC 8936 long polling). */
        @WithDefault("PT20S")
        Duration longPoll();

        /** The longest wait between two pushes of a SET a receiver did not take (doubling from one second). */
        @WithDefault("PT5M")
        Duration maxBackoff();

        /** How long delivered SETs are kept (they name a guest). */
        @WithDefault("P7D")
        Duration keepDelivered();
    }

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

}
