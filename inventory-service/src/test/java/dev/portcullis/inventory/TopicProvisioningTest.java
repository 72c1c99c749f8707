package dev.portcullis.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.backbone.kafka.TopicProvisioner;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

/** The broker creates no topic by itself (auto-creation is off): the service provisions every topic and dead-letter topic, 6 partitions each. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class TopicProvisioningTest {

    @Test
    void everyTopicAndItsDeadLetterTopicExistsWithTheConfiguredPartitions() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.bootstrapServers()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(TopicProvisioner.topicNames()).allTopicNames().get(30, TimeUnit.SECONDS);
            Map<String, Integer> partitions = new TreeMap<>();
            topics.forEach((name, description) -> partitions.put(name, description.partitions().size()));
            Map<String, Integer> expected = new TreeMap<>();
            TopicProvisioner.topicNames().forEach(name -> expected.put(name, 6));
            assertEquals(expected, partitions);
        }
    }
}
