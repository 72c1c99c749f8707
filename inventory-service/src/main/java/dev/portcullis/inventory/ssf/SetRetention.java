package dev.portcullis.inventory.ssf;

import dev.portcullis.backbone.work.Retention;
import dev.portcullis.inventory.config.InventorySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;

/** The SETs inventory keeps age out with the outbox and the inbox, in backbone's {@link Retention} pass. */
final class SetRetention {

    private SetRetention() {
    }

    /** Our delivered SETs name guests: forgotten after {@code portcullis.inventory.ssf.transmitter.keep-delivered}. */
    @ApplicationScoped
    static class Delivered implements Retention.Kept {

        @Inject
        InventorySettings settings;

        @Override
        public String table() {
            return "ssf_outgoing_set";
        }

        @Override
        public String timeColumn() {
            return "delivered_at"; // undelivered ones (null) stay
        }

        @Override
        public Duration keep() {
            return settings.ssf().transmitter().keepDelivered();
        }
    }

    /**
     * The jtis of SETs received: a repeat older than the iat window is refused on its iat anyway, so a jti need only be kept that
     * long; a month at least keeps the record of what arrived (the events column) for an operator.
     */
    @ApplicationScoped
    static class Received implements Retention.Kept {

        @Inject
        InventorySettings settings;

        @Override
        public String table() {
            return "ssf_received_set";
        }

        @Override
        public String timeColumn() {
            return "received_at";
        }

        @Override
        public Duration keep() {
            Duration iatWindow = settings.ssf().iatWindow();
            return iatWindow.compareTo(Duration.ofDays(30)) > 0 ? iatWindow : Duration.ofDays(30);
        }
    }
}
