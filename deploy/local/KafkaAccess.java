import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The local broker's users, topics and ACLs, read from the Kubernetes manifests (kafka-users.yaml, kafka-topics.yaml), so a
 * local run and the tests exercise the same trust boundary as a cluster: run by up.sh as the broker's admin, with the JDK's
 * source launcher and the broker's own jars. Each user's local password is its name and the given suffix.
 *
 * usage: java -cp 'lib/kafka/*' KafkaAccess.java BOOTSTRAP ADMIN_PASSWORD MANIFEST_DIR PASSWORD_SUFFIX
 */
public class KafkaAccess {

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        File manifests = new File(args[2]);
        String suffix = args[3];
        Properties config = new Properties();
        config.put("bootstrap.servers", bootstrap);
        config.put("security.protocol", "SASL_PLAINTEXT");
        config.put("sasl.mechanism", "SCRAM-SHA-512");
        config.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"" + args[1] + "\";");
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> topics = new ArrayList<>();
            for (JsonNode topic : yaml.readValues(yaml.getFactory().createParser(new File(manifests, "kafka-topics.yaml")), JsonNode.class).readAll()) {
                String name = topic.path("spec").path("topicName").asText();
                if (!name.isEmpty() && !existing.contains(name)) {
                    topics.add(new NewTopic(name, topic.path("spec").path("partitions").asInt(6), (short) 1));
                }
            }
            if (!topics.isEmpty()) {
                admin.createTopics(topics).all().get();
            }
            List<UserScramCredentialUpsertion> users = new ArrayList<>();
            List<AclBinding> acls = new ArrayList<>();
            for (JsonNode user : yaml.readValues(yaml.getFactory().createParser(new File(manifests, "kafka-users.yaml")), JsonNode.class).readAll()) {
                if (!"KafkaUser".equals(user.path("kind").asText())) {
                    continue;
                }
                String name = user.path("metadata").path("name").asText();
                users.add(new UserScramCredentialUpsertion(name, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), name + suffix));
                for (JsonNode rule : user.path("spec").path("authorization").path("acls")) {
                    JsonNode resource = rule.path("resource");
                    ResourcePattern pattern = new ResourcePattern(resourceType(resource.path("type").asText()), resource.path("name").asText(),
                            "prefix".equals(resource.path("patternType").asText()) ? PatternType.PREFIXED : PatternType.LITERAL);
                    for (JsonNode operation : rule.path("operations")) {
                        acls.add(new AclBinding(pattern, new AccessControlEntry("User:" + name, "*",
                                AclOperation.fromString(operation.asText().toUpperCase(Locale.ROOT)), AclPermissionType.ALLOW)));
                    }
                }
            }
            admin.alterUserScramCredentials(new ArrayList<>(users)).all().get();
            admin.createAcls(acls).all().get();
            System.out.printf("kafka: %d users, %d ACLs, %d topics created%n", users.size(), acls.size(), topics.size());
        }
    }

    private static ResourceType resourceType(String strimzi) {
        return switch (strimzi) {
            case "topic" -> ResourceType.TOPIC;
            case "group" -> ResourceType.GROUP;
            case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
            case "cluster" -> ResourceType.CLUSTER;
            default -> throw new IllegalArgumentException("unknown resource type " + strimzi);
        };
    }
}
