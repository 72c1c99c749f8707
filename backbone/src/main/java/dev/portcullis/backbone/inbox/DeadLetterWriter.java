package dev.portcullis.backbone.inbox;

import dev.portcullis.backbone.kafka.KafkaClients;
import dev.portcullis.events.Topic;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes a record that can never be applied to its topic's dead-letter topic ({@link Topic#deadLetterTopicOf}), with the
 * headers SmallRye's {@code dead-letter-queue} failure strategy writes, so the re-drive reads both alike: same key, payload and
 * headers, plus {@code dead-letter-reason}, {@code dead-letter-cause}, {@code dead-letter-topic}, {@code dead-letter-partition}
 * and {@code dead-letter-offset}. The inbox writes every dead letter through here: a batch consumer cannot leave it to
 * SmallRye, which would dead-letter the whole batch, and one path is easier to trust than two.
 */
@ApplicationScoped
public class DeadLetterWriter {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    @Inject
    KafkaClients kafka;

    private KafkaProducer<String, String> producer;

    /** Returns once Kafka has the record (acks=all); throws if it does not, and the caller retries. */
    public synchronized void send(ConsumerRecord<String, String> record, Throwable reason) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add("dead-letter-reason", utf8(String.valueOf(reason.getMessage())));
        if (reason.getCause() != null) {
            headers.add("dead-letter-cause", utf8(String.valueOf(reason.getCause().getMessage())));
            headers.add("dead-letter-cause-class-name", utf8(reason.getCause().getClass().getName()));
        }
        headers.add("dead-letter-exception-class-name", utf8(reason.getClass().getName()));
        headers.add("dead-letter-topic", utf8(record.topic()));
        headers.add("dead-letter-partition", utf8(Integer.toString(record.partition())));
        headers.add("dead-letter-offset", utf8(Long.toString(record.offset())));
        try {
            producer().send(new ProducerRecord<>(Topic.deadLetterTopicOf(record.topic()), null, record.key(), record.value(), headers))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not take the dead letter: " + e.getMessage(), e);
        }
    }

    private KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties config = kafka.config(ProducerConfig.configNames());
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
            producer = new KafkaProducer<>(config);
        }
        return producer;
    }

    synchronized void close(@Observes ShutdownEvent event) {
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
            producer = null;
        }
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
