package dev.portcullis.testsupport;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventPayload;
import dev.portcullis.events.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What a test does on Kafka as a user would: publish a CloudEvent, read a topic from the beginning. */
public final class KafkaTestClient {

    private final String bootstrapServers;
    /** How the client signs in (security.protocol, sasl.*): nothing for the tests' open in-JVM broker. */
    private final Map<String, String> security;

    public KafkaTestClient(String bootstrapServers) {
        this(bootstrapServers, Map.of());
    }

    public KafkaTestClient(String bootstrapServers, Map<String, String> security) {
        this.bootstrapServers = bootstrapServers;
        this.security = Map.copyOf(security);
    }

    /** The settings of a client that signs in as {@code user} with SCRAM-SHA-512 over {@code protocol} (SASL_PLAINTEXT, SASL_SSL). */
    public static Map<String, String> scram(String protocol, String user, String password) {
        return Map.of("security.protocol", protocol, "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";");
    }

    /** Publishes a binary-mode CloudEvent like a producing service would; returns its id. */
    public String publish(EventPayload payload) {
        String id = UUID.randomUUID().toString();
        publish(payload, id);
        return id;
    }

    /** Publishes with a chosen {@code ce_id}: the same id twice is a redelivery. */
    public void publish(EventPayload payload, String ceId) {
        publishTogether(List.of(record(payload, ceId)));
    }

    /**
     * Creates {@code topic} unless it exists, as an operator declares a partner-signal connector's topic (KafkaTopic):
     * no broker of Portcullis creates topics by itself.
     */
    public void createTopic(String topic) {
        Properties config = new Properties();
        config.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putAll(security);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(config)) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, java.util.Optional.empty(), java.util.Optional.empty())))
                    .all().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw new IllegalStateException("topic " + topic + " not created", e.getCause());
            }
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("topic " + topic + " not created", e);
        }
    }

    /** Publishes to {@code topic} instead of the event's own (a partner-signal connector's topic); returns the event's id. */
    public String publishTo(String topic, EventPayload payload) {
        String id = UUID.randomUUID().toString();
        publishTo(topic, payload, id);
        return id;
    }

    public void publishTo(String topic, EventPayload payload, String ceId) {
        ProducerRecord<String, String> record = record(payload, ceId);
        publishTogether(List.of(new ProducerRecord<>(topic, null, record.key(), record.value(), record.headers())));
    }

    /** The binary-mode CloudEvents headers a Portcullis producer writes. */
    public static RecordHeaders ceHeaders(String ceId, EventType type) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_id", ceId.getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", type.ceType().getBytes(StandardCharsets.UTF_8));
        headers.add("ce_source", "/test".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_time", Instant.now().toString().getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    public void publishRaw(String topic, String key, String value, RecordHeaders headers) {
        publishTogether(List.of(new ProducerRecord<>(topic, null, key, value, headers)));
    }

    /** The record {@link #publish(EventPayload, String)} would send, for {@link #publishTogether}. */
    public static ProducerRecord<String, String> record(EventPayload payload, String ceId) {
        return new ProducerRecord<>(payload.eventType().topic().topicName(), null, payload.key(), EventJson.write(payload),
                ceHeaders(ceId, payload.eventType()));
    }

    /** Sends the records in order through one producer and waits for all: a consumer polling after that gets them together. */
    public void publishTogether(List<ProducerRecord<String, String>> records) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putAll(security);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            List<Future<?>> sent = new ArrayList<>();
            records.forEach(r -> sent.add(producer.send(r)));
            for (Future<?> f : sent) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + records.size() + " records", e);
        }
    }

    /** Every record on the topic now (all partitions, from the start): a snapshot, read to the end offsets. */
    public List<ConsumerRecord<String, String>> readAll(String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putAll(security);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // what a SOC consumer must do too: the outbox relays publish in transactions
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                return records;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plusSeconds(20);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    public List<ConsumerRecord<String, String>> readAll(String topic, Predicate<ConsumerRecord<String, String>> filter) {
        return readAll(topic).stream().filter(filter).toList();
    }

    /** The SOC's OCSF records under {@code key} on soc.ocsf, in the order they were committed (one key is one partition). */
    public List<com.fasterxml.jackson.databind.JsonNode> ocsfRecords(String key) {
        return readAll(dev.portcullis.events.Topic.SOC_OCSF.topicName(), r -> key.equals(r.key())).stream().map(r -> EventJson.tree(r.value())).toList();
    }

    public static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
