package dev.portcullis.backbone.outbound;

import dev.portcullis.backbone.config.PortcullisSettings;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/** The service's {@link Outbound}, configured by {@code portcullis.outbound.*}. */
public class OutboundProducer {

    @Produces
    @Singleton
    Outbound outbound(PortcullisSettings settings, Vertx vertx) {
        PortcullisSettings.Outbound config = settings.outbound();
        return new Outbound(vertx, config.allowHttp(), Set.copyOf(config.privateHosts().orElse(List.of())), config.maxResponseBytes(),
                config.connectTimeout(), InetAddress::getAllByName);
    }
}
