package dev.portcullis.backbone.admin;

import dev.portcullis.backbone.kafka.KafkaClients;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code portcullis.deadletters{topic}}: how many records each dead-letter topic this service writes
 * to holds (end offset minus start offset over its partitions), read from Kafka when scraped, through
 * one admin client kept for the purpose (replaced after a failure).
 */
@ApplicationScoped
public class DeadLetterGauges {

    @Inject
    KafkaClients kafka;

    @Inject
    MeterRegistry metrics;

    private Admin admin;

    void register(@Observes StartupEvent event) {
        for (String topic : DeadLetterResource.deadLetterTopics()) {
            Gauge.builder("portcullis.deadletters", this, g -> g.count(topic)).tag("topic", topic)
                    .description("records on the dead-letter topic").register(metrics);
        }
    }

    synchronized void close(@Observes ShutdownEvent event) {
        discard();
    }

    private synchronized double count(String topic) {
        try {
            List<TopicPartition> partitions = admin().describeTopics(List.of(topic)).allTopicNames().get(3, TimeUnit.SECONDS).get(topic)
                    .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            var earliest = admin().listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.earliest())))
                    .all().get(3, TimeUnit.SECONDS);
            var latest = admin().listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get(3, TimeUnit.SECONDS);
            return partitions.stream().mapToLong(p -> latest.get(p).offset() - earliest.get(p).offset()).sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        } catch (Exception e) {
            // Kafka unreachable or the topic gone: no figure this scrape, and a fresh client for the next
            discard();
            return Double.NaN;
        }
    }

    private Admin admin() {
        if (admin == null) {
            Properties config = kafka.config(AdminClientConfig.configNames());
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
            admin = Admin.create(config);
        }
        return admin;
    }

    private void discard() {
        if (admin != null) {
            admin.close(Duration.ZERO);
            admin = null;
        }
    }
}
