package dev.portcullis.backbone.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The Kafka client settings of the SmallRye channels ({@code kafka.*}: bootstrap, security protocol,
 * SASL, TLS), for the clients the backbone makes itself (admin, dead-letter producer, dead-letter
 * reader), so that they reach the same cluster the same way.
 */
@ApplicationScoped
public class KafkaClients {

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    /** The channels' settings that a client with these configuration names knows (others would be logged as unknown). */
    public Properties config(Set<String> known) {
        Properties config = new Properties();
        kafkaConfig.forEach((k, v) -> {
            if (known.contains(k)) {
                config.put(k, v);
            }
        });
        return config;
    }
}
