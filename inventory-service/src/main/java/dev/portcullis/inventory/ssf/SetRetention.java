package dev.portcullis.inventory.ssf;

import dev.portcullis.backbone.work.Retention;
import dev.portcullis.inventory.config.InventorySettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;

/** The SETs inventory keeps age out with the outbox and the inbox, in backbone's {@link Retention} pass. */
@Singleton
class SetRetention {

    /** Our delivered SETs name guests: forgotten after {@code portcullis.inventory.ssf.transmitter.keep-delivered}; undelivered ones stay. */
    @Produces
    @Singleton
    Retention.Kept deliveredSets(InventorySettings settings) {
        return new Retention.Kept("ssf_outgoing_set", "delivered_at", settings.ssf().transmitter().keepDelivered());
    }

    /**
     * The jtis of SETs received: a repeat older than the iat window is refused on its iat anyway, so a jti need only be kept that
     * long; a month at least keeps the record of what arrived (the events column) for an operator.
     */
    @Produces
    @Singleton
    Retention.Kept receivedSets(InventorySettings settings) {
        Duration iatWindow = settings.ssf().iatWindow();
        return new Retention.Kept("ssf_received_set", "received_at", iatWindow.compareTo(Duration.ofDays(30)) > 0 ? iatWindow : Duration.ofDays(30));
    }
}
