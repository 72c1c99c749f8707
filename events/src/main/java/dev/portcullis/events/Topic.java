package dev.portcullis.events;

/**
 * The Kafka topics of the platform: the only place their names are written. Consumers name their
 * SmallRye channel after {@link #channel()}; the constants in {@link Channels} exist because
 * annotations need compile-time strings.
 */
public enum Topic {
    PARTNER_SIGNALS("partner.signals", RecordKey.GUEST_ID),
    INVENTORY_GUESTS("inventory.guests", RecordKey.GUEST_ID),
    INVENTORY_ACCESS("inventory.access", RecordKey.GUEST_ID),
    INVENTORY_RESOURCES("inventory.resources", RecordKey.RESOURCE_ID),
    INVENTORY_PARTNERS("inventory.partners", RecordKey.PARTNER_ID),
    INVENTORY_DELIVERIES("inventory.deliveries", RecordKey.REQUESTER),
    REVIEW_CAMPAIGNS("review.campaigns", RecordKey.CAMPAIGN_ID),
    REVIEW_DECISIONS("review.decisions", RecordKey.GUEST_ID),
    REVIEW_PACKAGES("review.packages", RecordKey.PACKAGE_ID),
    REVIEW_REQUESTS("review.requests", RecordKey.REQUESTER),
    GOVERNANCE_REVOCATIONS("governance.revocations", RecordKey.GUEST_ID),
    POLICY_VIOLATIONS("policy.violations", RecordKey.GUEST_ID),
    NOTIFICATION_DELIVERIES("notification.deliveries", RecordKey.RECIPIENT),
    /** The SOC's feed: what the other topics tell, and what no event tells (signals received, SETs sent), as OCSF records. */
    SOC_OCSF("soc.ocsf", RecordKey.SUBJECT);

    /** What the record key of a topic holds; events of one key stay ordered on one partition. */
    public enum RecordKey {
        GUEST_ID, RESOURCE_ID, PARTNER_ID, CAMPAIGN_ID, PACKAGE_ID,
        /** An access request's requester: their guest id, or their email while they are no guest yet. */
        REQUESTER,
        RECIPIENT,
        /** The guest the record is about; for a change to no guest (a partner, a resource, a campaign), that entity's id. */
        SUBJECT
    }

    /**
     * Channel names for {@code @Incoming} of one topic; {@code TopicTest} checks they match {@link #channel()}. A channel over
     * several topics (a read model's over inventory's) has a name of its own, and lists them in {@code topics}.
     */
    public static final class Channels {
        public static final String PARTNER_SIGNALS = "partner-signals";
        public static final String INVENTORY_PARTNERS = "inventory-partners";
        public static final String REVIEW_REQUESTS = "review-requests";
        public static final String INVENTORY_DELIVERIES = "inventory-deliveries";
        public static final String GOVERNANCE_REVOCATIONS = "governance-revocations";
        public static final String REVIEW_CAMPAIGNS = "review-campaigns";
        public static final String REVIEW_DECISIONS = "review-decisions";
        public static final String POLICY_VIOLATIONS = "policy-violations";

        private Channels() {
        }
    }

    private final String topicName;
    private final RecordKey key;

    Topic(String topicName, RecordKey key) {
        this.topicName = topicName;
        this.key = key;
    }

    public String topicName() {
        return topicName;
    }

    public RecordKey key() {
        return key;
    }

    /** Where messages that cannot be parsed or applied go, with the error in their headers. */
    public String deadLetterTopicName() {
        return topicName + ".dlq";
    }

    /**
     * Where a record read from {@code topic} goes when it can never be applied: its topic's dead-letter topic; a connector's
     * partner signals go to {@code partner.signals.dlq}, as every other partner signal.
     */
    public static String deadLetterTopicOf(String topic) {
        return PartnerSignalConnectors.connectorOf(topic).isPresent() ? PARTNER_SIGNALS.deadLetterTopicName() : topic + ".dlq";
    }

    public String channel() {
        return topicName.replace('.', '-');
    }

    /**
     * Partner-signal connectors: each writes its own topic, {@code partner.signals.<connector>}, which only its Kafka
     * principal may write (deploy/kubernetes/kafka-users.yaml). So the topic a record came from names who produced it, and
     * inventory-service applies it only for a partner whose {@code signalClients} hold {@code kafka:<connector>}.
     */
    public static final class PartnerSignalConnectors {
        /** A connector's name: a Kafka user's (lowercase, digits, dashes), never {@code dlq}. */
        public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("(?!dlq$)[a-z0-9][a-z0-9-]{0,99}");
        private static final String PREFIX = PARTNER_SIGNALS.topicName + ".";

        private PartnerSignalConnectors() {
        }

        /** The topic {@code connector} writes. */
        public static String topicOf(String connector) {
            if (!NAME.matcher(connector).matches()) {
                throw new IllegalArgumentException("not a connector's name: " + connector);
            }
            return PREFIX + connector;
        }

        /** The connector whose topic this is; empty for any other topic (partner.signals itself, its dead letters). */
        public static java.util.Optional<String> connectorOf(String topic) {
            return topic.startsWith(PREFIX) && NAME.matcher(topic.substring(PREFIX.length())).matches()
                    ? java.util.Optional.of(topic.substring(PREFIX.length())) : java.util.Optional.empty();
        }

        /** How a signal client names a connector in a partner's {@code signalClients}, and the actor its signals record. */
        public static String signalClient(String connector) {
            return "kafka:" + connector;
        }
    }
}
