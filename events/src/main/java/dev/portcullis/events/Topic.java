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
    NOTIFICATION_DELIVERIES("notification.deliveries", RecordKey.RECIPIENT);

    /** What the record key of a topic holds; events of one key stay ordered on one partition. */
    public enum RecordKey {
        GUEST_ID, RESOURCE_ID, PARTNER_ID, CAMPAIGN_ID, PACKAGE_ID,
        /** An access request's requester: their guest id, or their email while they are no guest yet. */
        REQUESTER,
        RECIPIENT
    }

    /** Channel names for {@code @Incoming}; {@code TopicTest} checks they match {@link #channel()}. */
    public static final class Channels {
        public static final String PARTNER_SIGNALS = "partner-signals";
        public static final String INVENTORY_GUESTS = "inventory-guests";
        public static final String INVENTORY_ACCESS = "inventory-access";
        public static final String INVENTORY_RESOURCES = "inventory-resources";
        public static final String INVENTORY_PARTNERS = "inventory-partners";
        public static final String REVIEW_REQUESTS = "review-requests";
        public static final String INVENTORY_DELIVERIES = "inventory-deliveries";
        public static final String GOVERNANCE_REVOCATIONS = "governance-revocations";
        public static final String REVIEW_CAMPAIGNS = "review-campaigns";
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

    public String channel() {
        return topicName.replace('.', '-');
    }
}
