package dev.portcullis.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker (KRaft, one combined node) inside the test JVM, from Kafka's own test kit.
 * {@code KAFKA_BOOTSTRAP_SERVERS} points the tests at an external broker instead.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    private static String bootstrapServers;
    private KafkaClusterTestKit cluster;

    @Override
    public Map<String, String> start() {
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (external != null && !external.isBlank()) {
            bootstrapServers = external;
        } else {
            java.util.logging.Logger.getLogger("kafka").setLevel(java.util.logging.Level.WARNING);
            java.util.logging.Logger.getLogger("org.apache.kafka").setLevel(java.util.logging.Level.WARNING);
            try {
                cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("num.partitions", "3")
                        // as on Portcullis' brokers: the services create their topics (TopicProvisioner), nobody else
                        .setConfigProp("auto.create.topics.enable", "false")
                        .build();
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
            } catch (Exception e) {
                throw new IllegalStateException("the test Kafka broker did not start", e);
            }
            bootstrapServers = cluster.bootstrapServers();
            // the topic of the tests' partner-signal connector, declared as an operator would (the services create only the catalogue's)
            new KafkaTestClient(bootstrapServers).createTopic(dev.portcullis.events.Topic.PartnerSignalConnectors.topicOf(TestTokens.SIGNAL_CONNECTOR));
        }
        return Map.of("kafka.bootstrap.servers", bootstrapServers);
    }

    @Override
    public void stop() {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static String bootstrapServers() {
        return bootstrapServers;
    }
}
