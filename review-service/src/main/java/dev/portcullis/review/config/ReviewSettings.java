package dev.portcullis.review.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** review-service's own settings, beside the backbone's {@code PortcullisSettings}. */
@ConfigMapping(prefix = "portcullis.review")
public interface ReviewSettings {

    /** The review page as reviewers reach it; the link in their digest adds {@code ?campaign=<id>}. */
    @WithDefault("http://127.0.0.1:8082/reviews")
    String pageUrl();

    /** The secret of the realm's portcullis-review-page client, as which the page signs reviewers in (the review-page OIDC tenant). */
    String pageClientSecret();

    /** How often the campaign jobs run (start what is due, remind, complete, confirm what was applied); {@code off} disables them. */
    @WithDefault("1m")
    String jobsEvery();

    Guard guard();

    Console console();

    /**
     * The console (/console): the realm's public client it signs in as, and where it finds the other services' APIs (review-service's
     * own is the page's origin).
     */
    interface Console {
        @WithDefault("portcullis-console")
        String clientId();

        @WithDefault("http://127.0.0.1:8081")
        String inventoryUrl();

        @WithDefault("http://127.0.0.1:8083")
        String policyUrl();

        @WithDefault("http://127.0.0.1:8084")
        String notificationUrl();
    }

    /** The guard against mass revocation: a campaign that would revoke more than this waits for an admin. */
    interface Guard {
        /** The share of a campaign's items that applying may revoke without a confirmation. */
        @WithDefault("0.5")
        double maxShare();

        /** Fewer revocations than this never hold a campaign, whatever their share. */
        @WithDefault("10")
        int minItems();
    }
}
