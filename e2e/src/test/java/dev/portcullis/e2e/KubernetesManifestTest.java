package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.RepositoryRoot;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes, read as the cluster would: every manifest the kustomization names parses into
 * its typed model (fabric8's for Kubernetes, Strimzi's for Kafka) with no field the model does not
 * know, the topics are exactly the events catalogue's, and the services are deployed as a platform
 * team would demand.
 */
class KubernetesManifestTest {

    private static final Path DIR = RepositoryRoot.get().resolve("deploy/kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Map<String, Class<?>> TYPED = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "kafka.strimzi.io/v1beta2/Kafka", Kafka.class,
            "kafka.strimzi.io/v1beta2/KafkaNodePool", KafkaNodePool.class,
            "kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class,
            "kafka.strimzi.io/v1beta2/KafkaUser", io.strimzi.api.kafka.model.user.KafkaUser.class,
            "networking.k8s.io/v1/NetworkPolicy", io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
    /** Operators' resources without a model on Maven Central: checked field by field below. */
    private static final Set<String> UNTYPED = Set.of("postgresql.cnpg.io/v1/Cluster", "postgresql.cnpg.io/v1/Database",
            "k8s.keycloak.org/v2beta1/Keycloak", "k8s.keycloak.org/v2beta1/KeycloakRealmImport");
    private static final List<String> SERVICES = List.of("inventory", "review", "policy", "notification");
    /** The SOC's KafkaUser: it reads soc.ocsf, and is neither a service nor a partner-signal connector. */
    private static final String SIEM = "siem";

    private static JsonNode kustomization;
    private static final List<JsonNode> documents = new ArrayList<>();
    private static final List<Object> typed = new ArrayList<>();

    @BeforeAll
    static void read() throws Exception {
        kustomization = YAML.readTree(DIR.resolve("kustomization.yaml").toFile());
        for (JsonNode resource : kustomization.path("resources")) {
            try (var parser = YAML.getFactory().createParser(DIR.resolve(resource.asText()).toFile())) {
                for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                    if (doc != null && !doc.isEmpty()) {
                        documents.add(doc);
                    }
                }
            }
        }
        for (JsonNode doc : documents) {
            Class<?> model = TYPED.get(kindOf(doc));
            if (model != null) {
                typed.add(YAML.treeToValue(doc, model));
            }
        }
    }

    @Test
    void everyManifestIsOfAKnownKindAndItsModelKnowsEveryField() {
        for (JsonNode doc : documents) {
            String kind = kindOf(doc);
            assertTrue(TYPED.containsKey(kind) || UNTYPED.contains(kind), "unexpected kind " + kind);
        }
        List<String> unknown = new ArrayList<>();
        for (Object model : typed) {
            unknownFields(model, model.getClass().getSimpleName() + " " + nameOf(model) + ":", unknown, Collections.newSetFromMap(new IdentityHashMap<>()));
        }
        assertEquals(List.of(), unknown, "fields the models do not know");
    }

    @Test
    void theTopicsAreExactlyTheCatalogues() {
        Set<String> expected = new HashSet<>();
        for (Topic topic : Topic.values()) {
            expected.add(topic.topicName());
            expected.add(topic.deadLetterTopicName());
        }
        // and the topic of each partner-signal connector (every KafkaUser that is not a service's)
        of(io.strimzi.api.kafka.model.user.KafkaUser.class).stream().map(u -> u.getMetadata().getName()).filter(n -> !n.endsWith("-service") && !n.equals(SIEM))
                .forEach(connector -> expected.add(Topic.PartnerSignalConnectors.topicOf(connector)));
        List<String> declared = of(KafkaTopic.class).stream().map(t -> t.getSpec().getTopicName()).toList();
        assertEquals(expected, Set.copyOf(declared));
        assertEquals(declared.size(), Set.copyOf(declared).size(), "a topic declared twice");
        for (KafkaTopic topic : of(KafkaTopic.class)) {
            assertEquals("portcullis", topic.getMetadata().getLabels().get("strimzi.io/cluster"), topic.getSpec().getTopicName());
            assertTrue(topic.getSpec().getPartitions() >= 6 && topic.getSpec().getReplicas() >= 3, topic.getSpec().getTopicName());
        }
    }

    @Test
    void theKafkaClusterReplicatesTransactionsAndCreatesNoTopicByItself() {
        Kafka kafka = of(Kafka.class).get(0);
        Map<String, Object> config = kafka.getSpec().getKafka().getConfig();
        assertEquals(3, ((Number) config.get("transaction.state.log.replication.factor")).intValue());
        assertEquals(false, config.get("auto.create.topics.enable"));
        assertTrue(of(KafkaNodePool.class).get(0).getSpec().getReplicas() >= 3);
    }

    /**
     * Kafka is a trust boundary: every listener asks who the client is (SCRAM-SHA-512) and lets in only the pods labelled as
     * Kafka clients; the broker authorizes. Each service signs in as its own KafkaUser, whose ACLs let it read every topic it
     * consumes (its channels) and keep their dead letters, but never write a topic it consumes (another's word, such as an
     * approved request) nor a partner-signal topic: each connector writes its own, partner.signals.<connector>, and
     * only that, so the topic names who sent a signal.
     */
    @Test
    void kafkaIsATrustBoundaryEveryServiceSignsInAsItselfAndMayWriteOnlyItsOwnTopics() throws Exception {
        var cluster = of(Kafka.class).get(0).getSpec().getKafka();
        assertTrue(cluster.getAuthorization() instanceof io.strimzi.api.kafka.model.kafka.KafkaAuthorizationSimple, "authorization: simple");
        for (var listener : cluster.getListeners()) {
            assertTrue(listener.getAuth() instanceof io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512, listener.getName());
            assertFalse(listener.getNetworkPolicyPeers() == null || listener.getNetworkPolicyPeers().isEmpty(), listener.getName() + ": who may reach it");
        }
        Set<String> catalogue = new HashSet<>();
        for (Topic topic : Topic.values()) {
            catalogue.add(topic.topicName());
            catalogue.add(topic.deadLetterTopicName());
        }
        Map<String, io.strimzi.api.kafka.model.user.KafkaUser> users = of(io.strimzi.api.kafka.model.user.KafkaUser.class).stream()
                .collect(Collectors.toMap(u -> u.getMetadata().getName(), u -> u));
        Map<String, Set<String>> writers = new java.util.HashMap<>();
        for (var user : users.values()) {
            assertTrue(user.getSpec().getAuthentication() instanceof io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication, nameOf(user));
            for (var rule : ((io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
                if (rule.getResource() instanceof io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource topic) {
                    if (topic.getPatternType() == io.strimzi.api.kafka.model.user.acl.AclResourcePatternType.PREFIX) {
                        // the connectors' topics, read by pattern: reading only
                        assertEquals(Topic.PARTNER_SIGNALS.topicName(), topic.getName(), "topics by name only, but the connectors'");
                        assertFalse(rule.getOperations().contains(io.strimzi.api.kafka.model.user.acl.AclOperation.WRITE), nameOf(user));
                    }
                    assertTrue(catalogue.contains(topic.getName()) || Topic.PartnerSignalConnectors.connectorOf(topic.getName())
                            .filter(nameOf(user)::equals).isPresent(), "no such topic of " + nameOf(user) + ": " + topic.getName());
                    if (rule.getOperations().contains(io.strimzi.api.kafka.model.user.acl.AclOperation.WRITE)) {
                        writers.computeIfAbsent(topic.getName(), t -> new HashSet<>()).add(user.getMetadata().getName());
                    }
                }
            }
        }
        Set<String> connectors = new HashSet<>(users.keySet());
        connectors.remove(SIEM);
        assertEquals(null, writers.values().stream().filter(w -> w.contains(SIEM)).findAny().orElse(null), "the SIEM writes nothing");
        assertEquals(Set.of("inventory-service", "review-service", "policy-service", "notification-service"), writers.get(Topic.SOC_OCSF.topicName()),
                "the services whose outboxes write the SOC's feed");
        for (String service : SERVICES) {
            String name = service + "-service";
            assertTrue(users.containsKey(name), "a KafkaUser for " + name);
            connectors.remove(name);
            Set<String> consumed = consumedTopics(service);
            assertFalse(consumed.isEmpty(), name + " consumes");
            Set<String> reads = new HashSet<>();
            Set<String> writes = new HashSet<>();
            for (var rule : ((io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple) users.get(name).getSpec().getAuthorization()).getAcls()) {
                if (rule.getResource() instanceof io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource topic) {
                    if (rule.getOperations().contains(io.strimzi.api.kafka.model.user.acl.AclOperation.READ)) {
                        reads.add(topic.getName());
                    }
                    if (rule.getOperations().contains(io.strimzi.api.kafka.model.user.acl.AclOperation.WRITE)) {
                        writes.add(topic.getName());
                    }
                }
            }
            // the outbox relay reads back what it writes before it publishes (what an earlier relay committed without marking it)
            for (String topic : writes) {
                assertTrue(reads.contains(topic), name + " reads back " + topic + ", which it writes");
            }
            for (String topic : consumed) {
                assertTrue(reads.contains(topic), name + " reads " + topic);
                assertTrue(writes.contains(topic + ".dlq"), name + " dead-letters " + topic);
                assertFalse(writes.contains(topic), name + " must not write " + topic + ", which it consumes");
            }
            // the Deployment signs in as this user, with the password Strimzi keeps in the user's Secret
            Container container = of(Deployment.class).stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst().orElseThrow()
                    .getSpec().getTemplate().getSpec().getContainers().get(0);
            Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
            assertEquals(name, env.get("PORTCULLIS_KAFKA_USER").getValue());
            assertEquals(name, env.get("PORTCULLIS_KAFKA_PASSWORD").getValueFrom().getSecretKeyRef().getName());
        }
        assertEquals("SASL_PLAINTEXT", of(ConfigMap.class).get(0).getData().get("PORTCULLIS_KAFKA_SECURITY_PROTOCOL"));
        assertFalse(connectors.isEmpty(), "a partner-signal connector's user");
        for (String connector : connectors) {
            assertEquals(Set.of(connector), writers.get(Topic.PartnerSignalConnectors.topicOf(connector)), "only " + connector + " writes its topic");
        }
        assertEquals(null, writers.get(Topic.PARTNER_SIGNALS.topicName()), "nobody writes partner.signals itself: it names no connector");
        assertEquals(Set.of("review-service"), writers.get(Topic.REVIEW_REQUESTS.topicName()), "only review-service writes review.requests");
        // and only the services and Keycloak reach PostgreSQL
        var db = of(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class).stream()
                .filter(p -> "portcullis-db".equals(p.getSpec().getPodSelector().getMatchLabels().get("cnpg.io/cluster"))).findFirst().orElseThrow();
        assertEquals(List.of("Ingress"), db.getSpec().getPolicyTypes());
        for (String service : SERVICES) {
            Map<String, String> labels = of(Deployment.class).stream().filter(d -> d.getMetadata().getName().equals(service + "-service")).findFirst()
                    .orElseThrow().getSpec().getTemplate().getMetadata().getLabels();
            assertEquals("true", labels.get("portcullis.dev/database-client"), service);
            assertEquals("true", labels.get("portcullis.dev/kafka-client"), service);
        }
    }

    /** The topics a service's channels read: its own application.properties, and the access read model's for those that embed it. */
    private static Set<String> consumedTopics(String service) throws Exception {
        List<Path> files = new ArrayList<>(List.of(RepositoryRoot.get().resolve(service + "-service/src/main/resources/application.properties")));
        if (Files.readString(RepositoryRoot.get().resolve(service + "-service/pom.xml")).contains("<artifactId>access-read-model</artifactId>")) {
            files.add(RepositoryRoot.get().resolve("access-read-model/src/main/resources/META-INF/microprofile-config.properties"));
        }
        Set<String> topics = new HashSet<>();
        for (Path file : files) {
            for (String line : Files.readAllLines(file)) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^mp\\.messaging\\.incoming\\.[a-z-]+\\.topic=(.+)$").matcher(line.trim());
                if (m.matches()) {
                    // a pattern (the connectors' partner.signals.<connector>) stands for the literal name it begins with
                    topics.add(m.group(1).trim().replace("\\\\.", ".").replaceFirst("\\(.*$", ""));
                }
            }
        }
        return topics;
    }

    @Test
    void everyServiceRunsTwiceWithProbesResourcesABudgetAndSecretsFromSecrets() {
        Set<String> secrets = new HashSet<>();
        kustomization.path("secretGenerator").forEach(s -> secrets.add(s.path("name").asText()));
        Set<String> configMaps = of(ConfigMap.class).stream().map(c -> c.getMetadata().getName()).collect(Collectors.toSet());
        for (String service : SERVICES) {
            Deployment deployment = of(Deployment.class).stream().filter(d -> d.getMetadata().getName().equals(service + "-service")).findFirst()
                    .orElseThrow(() -> new AssertionError("no Deployment for " + service));
            assertTrue(deployment.getSpec().getReplicas() >= 2, service + " replicas");
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertNotNull(container.getReadinessProbe(), service + " readiness");
            assertNotNull(container.getLivenessProbe(), service + " liveness");
            assertEquals("management", container.getReadinessProbe().getHttpGet().getPort().getStrVal(), "probes on the management port");
            assertFalse(container.getResources().getRequests().isEmpty(), service + " requests");
            assertNotNull(container.getResources().getLimits().get("memory"), service + " memory limit");
            Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
            for (String secret : List.of("PORTCULLIS_DB_USER", "PORTCULLIS_DB_PASSWORD")) {
                EnvVar var = env.get(secret);
                assertNotNull(var, service + " " + secret);
                assertTrue(secrets.contains(var.getValueFrom().getSecretKeyRef().getName()), service + " " + secret + " from a generated Secret");
            }
            container.getEnvFrom().forEach(from -> assertTrue(configMaps.contains(from.getConfigMapRef().getName()), "ConfigMap of " + service));
            Map<String, String> labels = deployment.getSpec().getSelector().getMatchLabels();
            assertTrue(of(PodDisruptionBudget.class).stream().anyMatch(p -> p.getSpec().getSelector().getMatchLabels().equals(labels)
                    && p.getSpec().getMinAvailable().getIntVal() >= 1), service + " has a PodDisruptionBudget");
            assertTrue(of(Service.class).stream().anyMatch(s -> s.getSpec().getSelector().equals(labels)), service + " has a Service");
        }
    }

    @Test
    void everyServiceAndKeycloakHaveADatabaseAndARoleWhosePasswordIsAGeneratedSecret() {
        Set<String> secrets = new HashSet<>();
        kustomization.path("secretGenerator").forEach(s -> secrets.add(s.path("name").asText()));
        JsonNode cluster = untyped("Cluster").get(0);
        Map<String, String> owners = new java.util.HashMap<>();
        JsonNode initdb = cluster.path("spec").path("bootstrap").path("initdb");
        owners.put(initdb.path("database").asText(), initdb.path("owner").asText());
        assertTrue(secrets.contains(initdb.path("secret").path("name").asText()));
        untyped("Database").forEach(db -> owners.put(db.path("spec").path("name").asText(), db.path("spec").path("owner").asText()));
        Set<String> roles = new HashSet<>(Set.of(initdb.path("owner").asText()));
        for (JsonNode role : cluster.path("spec").path("managed").path("roles")) {
            roles.add(role.path("name").asText());
            assertTrue(secrets.contains(role.path("passwordSecret").path("name").asText()), "password of role " + role.path("name"));
        }
        for (String service : SERVICES) {
            assertEquals(service, owners.get("portcullis_" + service), "database of " + service);
        }
        assertEquals("keycloak", owners.get("keycloak"));
        assertTrue(roles.containsAll(owners.values()), "every database owner is a role: " + owners.values() + " " + roles);
    }

    @Test
    void theImportedRealmIsTheLocalOneWithoutDemoUsersOrClientSecrets() throws Exception {
        ObjectNode local = (ObjectNode) new ObjectMapper().readTree(RepositoryRoot.get().resolve("deploy/keycloak/portcullis-realm.json").toFile());
        ArrayNode users = (ArrayNode) local.get("users");
        for (int i = users.size() - 1; i >= 0; i--) {
            if (!users.get(i).path("username").asText().startsWith("service-account-")) {
                users.remove(i);
            }
        }
        // demo clients (portcullis-demo-*: a provisioning system, an application taking CAEP events) are local, like the demo users:
        // in production each such system gets a client of its own
        ArrayNode clients = (ArrayNode) local.get("clients");
        for (int i = clients.size() - 1; i >= 0; i--) {
            if (clients.get(i).path("clientId").asText().startsWith("portcullis-demo-")) {
                clients.remove(i);
            }
        }
        for (int i = users.size() - 1; i >= 0; i--) {
            if (users.get(i).path("username").asText().startsWith("service-account-portcullis-demo-")) {
                users.remove(i);
            }
        }
        local.get("clients").forEach(c -> ((ObjectNode) c).remove("secret"));
        ObjectNode imported = ((ObjectNode) untyped("KeycloakRealmImport").get(0).path("spec").path("realm")).deepCopy();
        // two secrets are imported, each from the Secret that both sides read: the portcullis-pdp client's
        // (inventory-service asks policy-service with it) and the portcullis-review-page client's (review-service's page)
        Set<String> generated = new HashSet<>();
        kustomization.path("secretGenerator").forEach(s -> generated.add(s.path("name").asText()));
        for (String[] client : List.of(new String[] {"portcullis-pdp", "PDP_CLIENT_SECRET"},
                new String[] {"portcullis-review-page", "REVIEW_PAGE_CLIENT_SECRET"})) {
            JsonNode found = null;
            for (JsonNode c : imported.get("clients")) {
                if (c.path("clientId").asText().equals(client[0])) {
                    found = c;
                }
            }
            assertNotNull(found, "the " + client[0] + " client");
            assertEquals("${" + client[1] + "}", found.path("secret").asText());
            JsonNode placeholder = untyped("KeycloakRealmImport").get(0).path("spec").path("placeholders").path(client[1]).path("secret");
            assertTrue(generated.contains(placeholder.path("name").asText()), "the placeholder's Secret is generated: " + placeholder);
        }
        // the review page's address is the deployment's own
        for (ObjectNode realm : List.of(local, imported)) {
            realm.get("clients").forEach(c -> ((ObjectNode) c).remove("redirectUris"));
        }
        imported.get("clients").forEach(c -> ((ObjectNode) c).remove("secret"));
        assertEquals("external", imported.path("sslRequired").asText(), "TLS from outside the cluster");
        for (String differs : List.of("sslRequired", "displayName")) {
            local.remove(differs);
            imported.remove(differs);
        }
        assertEquals(local, imported);
        assertEquals("portcullis-sso", untyped("KeycloakRealmImport").get(0).path("spec").path("keycloakCRName").asText());
        assertEquals(untyped("Keycloak").get(0).path("metadata").path("name").asText(), "portcullis-sso");
    }

    /** The platform knows people by their address: in both realms only an admin may change it, never the user. */
    @Test
    void peopleCannotChangeTheirOwnAddressInEitherRealm() throws Exception {
        JsonNode local = new ObjectMapper().readTree(RepositoryRoot.get().resolve("deploy/keycloak/portcullis-realm.json").toFile());
        JsonNode imported = untyped("KeycloakRealmImport").get(0).path("spec").path("realm");
        for (JsonNode realm : List.of(local, imported)) {
            JsonNode providers = realm.path("components").path("org.keycloak.userprofile.UserProfileProvider");
            assertEquals(1, providers.size(), "one declarative user profile");
            JsonNode profile = new ObjectMapper().readTree(providers.get(0).path("config").path("kc.user.profile.config").get(0).asText());
            JsonNode email = null;
            for (JsonNode attribute : profile.path("attributes")) {
                if (attribute.path("name").asText().equals("email")) {
                    email = attribute;
                }
            }
            assertNotNull(email, "the email attribute");
            assertEquals(List.of("admin"), new ObjectMapper().convertValue(email.path("permissions").path("edit"), List.class));
        }
    }

    private static <T> List<T> of(Class<T> type) {
        return typed.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static List<JsonNode> untyped(String kind) {
        return documents.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    private static String kindOf(JsonNode doc) {
        return doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
    }

    private static String nameOf(Object model) {
        try {
            Object metadata = model.getClass().getMethod("getMetadata").invoke(model);
            return (String) metadata.getClass().getMethod("getName").invoke(metadata);
        } catch (ReflectiveOperationException e) {
            return "?";
        }
    }

    /**
     * The models keep a field they do not know in "additionalProperties" instead of refusing it:
     * walks the object graph and reports every such field, with its path.
     */
    private static void unknownFields(Object node, String path, List<String> unknown, Set<Object> seen) {
        if (node == null || !seen.add(node)) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, unknown, seen));
            return;
        }
        String pkg = node.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8") && !pkg.startsWith("io.strimzi")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || !getter.getName().startsWith("get")
                    || getter.getName().equals("getClass")) {
                continue;
            }
            try {
                Object value = getter.invoke(node);
                if (getter.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        unknown.add(path + " " + extra.keySet());
                    }
                } else {
                    unknownFields(value, path + "." + getter.getName().substring(3, 4).toLowerCase() + getter.getName().substring(4), unknown, seen);
                }
            } catch (ReflectiveOperationException | RuntimeException ignored) {
                // a computed getter that needs state the manifest does not give: not a field
            }
        }
    }
}
