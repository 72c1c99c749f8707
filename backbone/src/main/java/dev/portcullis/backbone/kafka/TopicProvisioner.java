package dev.portcullis.backbone.kafka;

import dev.portcullis.backbone.config.PortcullisSettings;
import dev.portcullis.events.Topic;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.jboss.logging.Logger;

/**
 * Creates the platform's topics and their dead-letter topics with the configured partition count
 * and replication factor, instead of leaving it to broker auto-creation (off on Portcullis' brokers):
 * a topic created by the first producer that happens by gets the broker's defaults, and a typo in a
 * topic name would quietly create a new one. Every service provisions the whole catalogue, so it does
 * not matter which starts first; a topic that exists is left as it is. If Kafka is down at start-up
 * the service starts anyway (its outbox holds the events) and provisioning is retried in the background.
 */
@ApplicationScoped
public class TopicProvisioner {

    private static final Logger LOG = Logger.getLogger(TopicProvisioner.class);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    PortcullisSettings settings;

    /** Runs before the messaging channels connect, so consumers find their topics at once. */
    void provision(@Observes @Priority(1) StartupEvent event) {
        if (!settings.kafka().provisionTopics()) {
            return;
        }
        if (!tryProvision(Duration.ofSeconds(10))) {
            Thread retry = new Thread(() -> {
                long backoff = 1_000;
                while (!tryProvision(Duration.ofSeconds(10))) {
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException e) {
                        return;
                    }
                    backoff = Math.min(backoff * 2, 30_000);
                }
            }, "topic-provisioner");
            retry.setDaemon(true);
            retry.start();
        }
    }

    /** The catalogue's topics and their dead-letter topics. */
    public static List<String> topicNames() {
        List<String> names = new ArrayList<>();
        for (Topic topic : Topic.values()) {
            names.add(topic.topicName());
            names.add(topic.deadLetterTopicName());
        }
        return names;
    }

    private boolean tryProvision(Duration timeout) {
        Properties config = new Properties();
        config.putAll(kafkaConfig);
        config.keySet().removeIf(k -> !AdminClientConfig.configNames().contains(k.toString()));
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = topicNames().stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, settings.kafka().topicPartitions(), settings.kafka().replicationFactor())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).values().forEach((name, created) -> {
                    try {
                        created.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                            throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
                    }
                });
                LOG.infof("created topics %s with %d partitions, replication factor %d", missing.stream().map(NewTopic::name).toList(),
                        settings.kafka().topicPartitions(), settings.kafka().replicationFactor());
            }
            return true;
        } catch (Exception e) {
            LOG.warnf("topics not provisioned yet (Kafka unreachable?), retrying in the background: %s", e.toString());
            return false;
        } 
    }
}
