package dev.portcullis.backbone.admin;

import io.quarkus.narayana.jta.QuarkusTransaction;
import dev.portcullis.events.ocsf.OcsfMapping.Change;
import dev.portcullis.backbone.outbox.AdminChanges;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.backbone.kafka.KafkaClients;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * The dead letters of this service's consumers, for an operator: what was refused and why, and,
 * once the cause is fixed, a re-drive that publishes chosen records again to the topic they came
 * from (dead-letter headers dropped, everything else kept, the CloudEvents id included). Applying
 * stays idempotent: a consumer that had applied the event finds its id in its inbox.
 */
@Path("/api/v1/admin/dead-letters")
@Tag(name = "operations", description = "Dead letters and parked outbox rows")
@RolesAllowed(Roles.ADMIN)
public class DeadLetterResource {

    private static final Logger LOG = Logger.getLogger(DeadLetterResource.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    @Inject
    AdminChanges adminChanges;

    @Inject
    dev.portcullis.backbone.rest.Actor actor;

    @Inject
    KafkaClients kafka;

    public record DeadLetter(String topic, int partition, long offset, String originalTopic, String key, String ceId, String ceType,
            String reason, String cause, Instant deadLetteredAt, String payload) {
    }

    public record DeadLetters(List<String> topics, List<DeadLetter> items) {
    }

    public record RecordRef(@NotBlank @Size(max = 249) String topic, @NotNull @Min(0) Integer partition, @NotNull @Min(0) Long offset) {
    }

    public record RedriveRequest(@NotEmpty @Size(max = 100) List<@Valid @NotNull RecordRef> records) {
    }

    public record Redriven(RecordRef from, String toTopic, int partition, long offset) {
    }

    @GET
    @Operation(summary = "List the dead letters of this service's consumers", description = "Oldest first, from every dead-letter topic this "
            + "service writes to, or from ?topic= (one of them). Each names the topic it came from, the reason and cause of the refusal "
            + "(dead-letter-reason, dead-letter-cause) and its CloudEvents id and type.")
    public DeadLetters list(@QueryParam("topic") String topic, @QueryParam("limit") @Parameter(description = "how many at most",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "100")) String limit) {
        List<String> topics = chosen(topic);
        Integer requested = QueryParams.integer("limit", limit);
        if (requested != null && (requested < 1 || requested > 500)) {
            throw new BadRequestProblem("limit", "must be between 1 and 500");
        }
        int max = requested == null ? 100 : requested;
        List<DeadLetter> items = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            for (String deadLetterTopic : topics) {
                List<TopicPartition> partitions = consumer.partitionsFor(deadLetterTopic, READ_TIMEOUT).stream()
                        .map(p -> new TopicPartition(deadLetterTopic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
                Instant deadline = Instant.now().plus(READ_TIMEOUT);
                while (items.size() < max && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && Instant.now().isBefore(deadline)) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        if (items.size() < max) {
                            items.add(new DeadLetter(r.topic(), r.partition(), r.offset(), header(r, "dead-letter-topic"), r.key(), header(r, "ce_id"),
                                    header(r, "ce_type"), header(r, "dead-letter-reason"), header(r, "dead-letter-cause"),
                                    Instant.ofEpochMilli(r.timestamp()), r.value()));
                        }
                    }
                }
            }
        }
        return new DeadLetters(topics, items);
    }

    @POST
    @Path("/redrive")
    @Operation(summary = "Publish chosen dead letters again to the topic they came from", description = "For records whose cause is fixed. "
            + "Each is published with its key, payload and headers (CloudEvents id included), less the dead-letter headers; 404 if a record "
            + "is not on its dead-letter topic.")
    public List<Redriven> redrive(@Valid @NotNull RedriveRequest request) {
        List<String> allowed = deadLetterTopics();
        request.records().forEach(ref -> {
            if (!allowed.contains(ref.topic())) {
                throw new BadRequestProblem("records.topic", "must be one of " + allowed);
            }
        });
        List<Redriven> redriven = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(); KafkaProducer<String, String> producer = producer()) {
            for (RecordRef ref : request.records()) {
                ConsumerRecord<String, String> dead = read(consumer, ref);
                String original = header(dead, "dead-letter-topic");
                if (original == null) {
                    throw new BadRequestProblem("records", ref.topic() + "/" + ref.partition() + "/" + ref.offset() + " has no dead-letter-topic header");
                }
                RecordHeaders headers = new RecordHeaders();
                for (Header h : dead.headers()) {
                    if (!h.key().startsWith("dead-letter-")) {
                        headers.add(h);
                    }
                }
                RecordMetadata sent = producer.send(new ProducerRecord<>(original, null, dead.key(), dead.value(), headers))
                        .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.infof("dead letter %s/%d/%d re-driven to %s/%d/%d ce_id=%s", ref.topic(), ref.partition(), ref.offset(), original,
                        sent.partition(), sent.offset(), header(dead, "ce_id"));
                redriven.add(new Redriven(ref, original, sent.partition(), sent.offset()));
                Map<String, Object> settings = new java.util.LinkedHashMap<>();
                settings.put("toTopic", original);
                settings.put("ceId", header(dead, "ce_id"));
                settings.put("ceType", header(dead, "ce_type"));
                settings.put("reason", header(dead, "dead-letter-reason"));
                QuarkusTransaction.requiringNew().run(() -> adminChanges.record(actor.name(), Change.UPDATED, "Dead letter", "dead-letter-redriven",
                        ref.topic() + "/" + ref.partition() + "/" + ref.offset(), null, settings));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka did not take the re-driven record: " + e.getMessage(), e);
        }
        return redriven;
    }

    /** The dead-letter topics this service's consumers write to (mp.messaging.incoming.*.dead-letter-queue.topic). */
    static List<String> deadLetterTopics() {
        var config = ConfigProvider.getConfig();
        TreeSet<String> topics = new TreeSet<>();
        StreamSupport.stream(config.getPropertyNames().spliterator(), false)
                .filter(name -> name.startsWith("mp.messaging.incoming.") && name.endsWith(".dead-letter-queue.topic"))
                .forEach(name -> config.getOptionalValue(name, String.class).ifPresent(topics::add));
        return List.copyOf(topics);
    }

    private static List<String> chosen(String topic) {
        List<String> all = deadLetterTopics();
        if (topic == null || topic.isBlank()) {
            return all;
        }
        if (!all.contains(topic)) {
            throw new BadRequestProblem("topic", "must be one of " + all);
        }
        return List.of(topic);
    }

    private static ConsumerRecord<String, String> read(KafkaConsumer<String, String> consumer, RecordRef ref) {
        TopicPartition partition = new TopicPartition(ref.topic(), ref.partition());
        consumer.assign(List.of(partition));
        Long end = consumer.endOffsets(List.of(partition), READ_TIMEOUT).get(partition);
        if (end == null || ref.offset() >= end) {
            throw new NotFoundProblem("dead letter", ref.topic() + "/" + ref.partition() + "/" + ref.offset());
        }
        consumer.seek(partition, ref.offset());
        Instant deadline = Instant.now().plus(READ_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() == ref.offset()) {
                    return r;
                }
                if (r.offset() > ref.offset()) {
                    throw new NotFoundProblem("dead letter", ref.topic() + "/" + ref.partition() + "/" + ref.offset());
                }
            }
        }
        throw new NotFoundProblem("dead letter", ref.topic() + "/" + ref.partition() + "/" + ref.offset());
    }

    private KafkaConsumer<String, String> consumer() {
        Properties config = kafka.config(ConsumerConfig.configNames());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(config);
    }

    private KafkaProducer<String, String> producer() {
        Properties config = kafka.config(ProducerConfig.configNames());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
