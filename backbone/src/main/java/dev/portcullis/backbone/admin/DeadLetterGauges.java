package dev.portcullis.backbone.admin;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import dev.portcullis.backbone.kafka.KafkaClients;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
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
 * to holds (end offset minus start offset over its partitions), read from Kafka when scraped.
 */
@ApplicationScoped
public class DeadLetterGauges {

    @Inject
    KafkaClients kafka;

    @Inject
    MeterRegistry metrics;

    void register(@Observes StartupEvent event) {
        for (String topic : DeadLetterResource.deadLetterTopics()) {
            Gauge.builder("portcullis.deadletters", this, g -> g.count(topic)).tag("topic", topic)
                    .description("records on the dead-letter topic").register(metrics);
        }
    }

    private double count(String topic) {
        Properties config = kafka.config(AdminClientConfig.configNames());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        try (Admin admin = Admin.create(config)) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(3, TimeUnit.SECONDS).get(topic)
                    .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            var earliest = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.earliest())))
                    .all().get(3, TimeUnit.SECONDS);
            var latest = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get(3, TimeUnit.SECONDS);
            return partitions.stream().mapToLong(p -> latest.get(p).offset() - earliest.get(p).offset()).sum();
        } catch (Exception e) {
            return Double.NaN;
        }
    }
}
