package dev.portcullis.notification.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** notification-service's own settings, beside the backbone's {@code PortcullisSettings}. */
@ConfigMapping(prefix = "portcullis.notification")
public interface NotificationSettings {

    Mail mail();

    Brand brand();


    /**
     * How long before an approval stage's deadline its approvers are reminded, if nobody has decided it by then; no reminder when the
     * deadline is less than twice this after the request (it would come right after the request itself).
     */
    @WithDefault("PT24H")
    Duration approvalReminderBefore();

    /**
     * How long the first message about grants that end one by one (a review's denials, a policy's revocations, expiries, an admin's)
     * waits for the next of the same guest and reason, so sponsors and owners get one message listing them all.
     */
    @WithDefault("PT10S")
    Duration revocationGathering();

    /**
     * How long the first message about a partner organization's block waits for the next of its guests: each sponsor and owner
     * gets one message listing every guest of it they sponsor or who had their resources (up to 500 a message), not one per guest.
     */
    @WithDefault("PT1M")
    Duration partnerBlockGathering();

    /** When, each day (UTC), the held messages of those who chose a daily digest go out, one digest each. */
    @WithDefault("08:00")
    java.time.LocalTime digestTime();

    /** Who, besides a campaign's owner, gets its summary when it completes (the platform team's addresses); none by default. */
    java.util.Optional<java.util.List<String>> campaignSummaryTo();

    /** What every message carries of the organization that sends it (the HTML part's header and footer, the text's signature). */
    interface Brand {
        @WithDefault("Portcullis")
        String name();

        /** The HTML part's header colour (a CSS colour). */
        @WithDefault("#1d2330")
        String color();

        /** Where people write with a question about a message (the footer); none by default. */
        java.util.Optional<String> contact();
    }

    interface Mail {
        /** How long a sender holds the messages it claimed; a killed instance's claims lapse after this and another sends them. */
        @WithDefault("PT60S")
        Duration claim();

        /** SMTP conversations one instance holds at once (the mailer's pool keeps one connection per sender). */
        @WithDefault("32")
        int concurrency();

        /**
         * Mails one instance hands the SMTP server per second, at most (webhook posts are not counted): set it to the relay's limit
         * divided by the instances. Relays throttle senders (Exchange Online: 30 a minute per mailbox; SES: the account's quota).
         */
        @WithDefault("200")
        double rate();
    }
}
