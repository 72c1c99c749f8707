package dev.portcullis.inventory.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** inventory-service's own settings, beside the backbone's {@code PortcullisSettings}. */
@ConfigMapping(prefix = "portcullis.inventory")
public interface InventorySettings {

    Signals signals();

    interface Signals {
        /**
         * The actor recorded for signals read from {@code partner.signals}: its producers are whoever
         * the broker's ACLs let write to it, so the platform names the topic, never what a payload claims.
         */
        @WithDefault("kafka:partner.signals")
        String kafkaSource();
    }
}
