package dev.portcullis.backbone.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The CloudEvents ids committed to some topics since some moments, read the way a consumer reads
 * them ({@code read_committed}, no consumer group, nothing committed). A relay that is about to
 * publish with a new producer asks this first: a predecessor killed between Kafka's commit and
 * marking its rows left events on Kafka that its database still calls pending, and publishing them
 * again would put each on the topic twice.
 */
final class AlreadyPublished {

    /** How far before a row's database time its record may be stamped: the relay's and the database's clocks may differ. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private AlreadyPublished() {
    }

    /**
     * The {@code ce_id}s on each topic from {@code since} (less the clock skew) to the last committed
     * record; fails if the topic cannot be read to its end within {@code timeout}.
     */
    static Set<String> eventIds(Properties clientConfig, Map<String, Instant> since, Duration timeout) {
        Properties config = new Properties();
        config.putAll(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Set<String> ids = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            Map<TopicPartition, Long> from = new HashMap<>();
            since.forEach((topic, moment) -> {
                List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
                for (PartitionInfo partition : partitions == null ? List.<PartitionInfo>of() : partitions) {
                    from.put(new TopicPartition(topic, partition.partition()), moment.minus(CLOCK_SKEW).toEpochMilli());
                }
            });
            if (from.isEmpty()) {
                return ids;
            }
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(from, timeout);
            Map<TopicPartition, Long> ends = consumer.endOffsets(from.keySet(), timeout);
            List<TopicPartition> toRead = new ArrayList<>();
            starts.forEach((partition, start) -> {
                // null: nothing stamped that late on this partition
                if (start != null && start.offset() < ends.get(partition)) {
                    toRead.add(partition);
                }
            });
            consumer.assign(toRead);
            toRead.forEach(partition -> consumer.seek(partition, starts.get(partition).offset()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!toRead.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + toRead + " to its end within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Header id = record.headers().lastHeader("ce_id");
                    if (id != null) {
                        ids.add(new String(id.value(), StandardCharsets.UTF_8));
                    }
                }
                toRead.removeIf(partition -> consumer.position(partition) >= ends.get(partition));
            }
        }
        return ids;
    }
}
