package dev.portcullis.policy.service;

import dev.portcullis.backbone.inbox.IncomingEvent;
import dev.portcullis.backbone.kafka.KafkaClients;
import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.GuestInvited;
import dev.portcullis.events.GuestRemoved;
import dev.portcullis.events.GuestSignedIn;
import dev.portcullis.events.GuestUnblocked;
import dev.portcullis.events.GuestUpdated;
import dev.portcullis.events.ResourceUpserted;
import dev.portcullis.events.Topic;
import dev.portcullis.readmodel.KnownGrant;
import dev.portcullis.readmodel.KnownGuest;
import dev.portcullis.readmodel.KnownResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The guests, resources and active grants the decision point decides from, in this instance's memory:
 * no database query and no network call on a decision's path.
 * <p>
 * Complete and current on every instance, although the service's consumer group gives each instance
 * only some partitions: besides the group, each instance follows <em>every</em> partition of
 * inventory's topics itself (assigned, no group, nothing committed). At start it reads the group's
 * committed offsets, then loads the read model (which reflects at least everything before them), then
 * replays from those offsets: inventory's events carry whole states, so applying one twice in order
 * converges. It is {@link #ready()} once caught up with the ends of the topics as they were then;
 * until then the decision point reads the read model instead.
 */
@ApplicationScoped
public class AccessView {

    private static final Logger LOG = Logger.getLogger(AccessView.class);
    private static final List<Topic> TOPICS = List.of(Topic.INVENTORY_GUESTS, Topic.INVENTORY_ACCESS, Topic.INVENTORY_RESOURCES);

    public record Guest(UUID id, String email, UUID partnerId, List<String> sponsors, String state) {
    }

    public record Resource(UUID id, String sensitivity, String scenarioId, List<String> owners) {
    }

    private record Grant(UUID guestId, UUID resourceId) {
    }

    private final Map<UUID, Guest> guests = new ConcurrentHashMap<>();
    private final Map<UUID, Resource> resources = new ConcurrentHashMap<>();
    private final Map<UUID, Grant> grants = new ConcurrentHashMap<>();
    /** guest → resource → how many active grants (several roles on one resource are several grants). */
    private final Map<UUID, Map<UUID, Integer>> held = new ConcurrentHashMap<>();

    @Inject
    KafkaClients kafka;

    @ConfigProperty(name = "quarkus.application.name")
    String groupId;

    private volatile boolean ready;
    private volatile boolean stopping;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread follower;

    void start(@Observes StartupEvent event) {
        follower = new Thread(this::follow, "access-view");
        follower.setDaemon(true);
        follower.start();
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Whether the view has caught up: until then, callers read the read model. */
    public boolean ready() {
        return ready;
    }

    public Guest guest(UUID id) {
        return guests.get(id);
    }

    public Resource resource(UUID id) {
        return resources.get(id);
    }

    /** Whether the guest holds an active grant on the resource. */
    public boolean holds(UUID guestId, UUID resourceId) {
        Map<UUID, Integer> of = held.get(guestId);
        return of != null && of.containsKey(resourceId);
    }

    public int guestCount() {
        return guests.size();
    }

    private void follow() {
        while (!stopping) {
            try {
                followOnce();
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                // the broker went away or the load failed: start over, from a fresh snapshot
                ready = false;
                LOG.warnf("the in-memory access view stopped following (%s); starting again in 5 s, decisions read the read model meanwhile", e.toString());
                sleep(5_000);
            }
        }
    }

    private void followOnce() {
        Properties config = consumerConfig();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config)) {
            consumer = c;
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topic topic : TOPICS) {
                c.partitionsFor(topic.topicName(), Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets();
            c.assign(partitions);
            for (TopicPartition p : partitions) {
                OffsetAndMetadata at = committed.get(p);
                if (at == null) {
                    c.seekToBeginning(List.of(p));
                } else {
                    c.seek(p, at.offset());
                }
            }
            loadSnapshot();
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            long started = System.nanoTime();
            while (!stopping) {
                for (ConsumerRecord<String, String> record : c.poll(Duration.ofMillis(200))) {
                    apply(record);
                }
                if (!ready && partitions.stream().allMatch(p -> c.position(p) >= end.get(p))) {
                    ready = true;
                    LOG.infof("in-memory access view ready: %d guests, %d resources, %d active grants (caught up in %d ms)", guests.size(),
                            resources.size(), grants.size(), (System.nanoTime() - started) / 1_000_000);
                }
            }
        } finally {
            consumer = null;
        }
    }

    private Properties consumerConfig() {
        Properties config = kafka.config(ConsumerConfig.configNames());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-access-view-" + UUID.randomUUID().toString().substring(0, 8));
        return config;
    }

    private Map<TopicPartition, OffsetAndMetadata> committedOffsets() {
        Properties config = kafka.config(AdminClientConfig.configNames());
        try (Admin admin = Admin.create(config)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
            return offsets == null ? Map.of() : offsets;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the committed offsets of group " + groupId, e);
        }
    }

    private void loadSnapshot() {
        guests.clear();
        resources.clear();
        grants.clear();
        held.clear();
        QuarkusTransaction.requiringNew().run(() -> {
            // one query each, their collections joined: not one query per guest for its sponsors
            KnownGuest.getEntityManager().createQuery("select distinct g from KnownGuest g left join fetch g.sponsors", KnownGuest.class)
                    .getResultList().forEach(g -> guests.put(g.guestId, new Guest(g.guestId, lower(g.email), g.partnerId, List.copyOf(g.sponsors), g.state)));
            KnownResource.getEntityManager().createQuery("select distinct r from KnownResource r left join fetch r.owners", KnownResource.class)
                    .getResultList().forEach(r -> resources.put(r.resourceId, new Resource(r.resourceId, r.sensitivity, r.scenarioId, List.copyOf(r.owners))));
            KnownGrant.<KnownGrant>stream("state", KnownGrant.ACTIVE).forEach(g -> grant(g.grantId, g.guestId, g.resourceId));
        });
    }

    /** One event of inventory's topics. One that cannot be read is the group consumer's business (it dead-letters it): skipped here. */
    private void apply(ConsumerRecord<String, String> record) {
        try {
            IncomingEvent event = IncomingEvent.of(record);
            EventType type = event.type().orElse(null);
            if (type == null) {
                return;
            }
            switch (type) {
                case GUEST_INVITED -> {
                    GuestInvited g = event.as(GuestInvited.class);
                    UUID id = UUID.fromString(g.guestId());
                    guests.put(id, new Guest(id, lower(g.email()), g.partnerId() == null ? null : UUID.fromString(g.partnerId()),
                            g.sponsors().stream().map(AccessView::lower).toList(), "INVITED"));
                }
                case GUEST_UPDATED -> {
                    GuestUpdated g = event.as(GuestUpdated.class);
                    guests.computeIfPresent(UUID.fromString(g.guestId()), (id, known) -> new Guest(id, lower(g.email()), known.partnerId(),
                            g.sponsors().stream().map(AccessView::lower).toList(), known.state()));
                }
                case GUEST_BLOCKED -> setState(event.as(GuestBlocked.class).guestId(), "BLOCKED");
                case GUEST_UNBLOCKED -> {
                    GuestUnblocked g = event.as(GuestUnblocked.class);
                    setState(g.guestId(), g.state());
                }
                case GUEST_REMOVED -> {
                    String guestId = event.as(GuestRemoved.class).guestId();
                    guests.computeIfPresent(UUID.fromString(guestId), (id, known) -> new Guest(id, GuestRemoved.erasedEmail(guestId), known.partnerId(),
                            known.sponsors(), "REMOVED"));
                }
                case GUEST_SIGNED_IN -> {
                    GuestSignedIn s = event.as(GuestSignedIn.class);
                    if (s.activated()) {
                        guests.computeIfPresent(UUID.fromString(s.guestId()), (id, known) -> "INVITED".equals(known.state())
                                ? new Guest(id, known.email(), known.partnerId(), known.sponsors(), "ACTIVE") : known);
                    }
                }
                case ACCESS_GRANTED -> {
                    AccessGranted g = event.as(AccessGranted.class);
                    grant(UUID.fromString(g.grantId()), UUID.fromString(g.guestId()), UUID.fromString(g.resourceId()));
                }
                case ACCESS_REVOKED -> revoke(UUID.fromString(event.as(AccessRevoked.class).grantId()));
                case RESOURCE_UPSERTED -> {
                    ResourceUpserted r = event.as(ResourceUpserted.class);
                    UUID id = UUID.fromString(r.resourceId());
                    resources.put(id, new Resource(id, r.sensitivity(), r.scenarioId(), r.owners().stream().map(AccessView::lower).toList()));
                }
                default -> {
                }
            }
        } catch (RuntimeException e) {
            LOG.debugf("access view skipped %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.toString());
        }
    }

    private void setState(String guestId, String state) {
        guests.computeIfPresent(UUID.fromString(guestId), (id, known) -> new Guest(id, known.email(), known.partnerId(), known.sponsors(), state));
    }

    private synchronized void grant(UUID grantId, UUID guestId, UUID resourceId) {
        if (grants.putIfAbsent(grantId, new Grant(guestId, resourceId)) == null) {
            held.computeIfAbsent(guestId, g -> new ConcurrentHashMap<>()).merge(resourceId, 1, Integer::sum);
        }
    }

    private synchronized void revoke(UUID grantId) {
        Grant grant = grants.remove(grantId);
        if (grant != null) {
            held.computeIfPresent(grant.guestId(), (g, of) -> {
                of.computeIfPresent(grant.resourceId(), (r, n) -> n == 1 ? null : n - 1);
                return of.isEmpty() ? null : of;
            });
        }
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }
}
