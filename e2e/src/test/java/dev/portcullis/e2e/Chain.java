package dev.portcullis.e2e;

import dev.portcullis.events.EventType;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaTestClient;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One guest of the flagship scenario: a sponsor, two resources with their own owners, grants on both. */
record Chain(InventoryApi.Guest guest, String sponsor, List<String> owners) {

    static Chain create(Platform platform, int grants) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        InventoryApi inventory = platform.inventory();
        List<String> owners = List.of("crm-owner-" + run + "@example.com", "wiki-owner-" + run + "@example.com");
        List<String> resources = List.of(
                inventory.createResource("CRM " + run, "CONFIDENTIAL", List.of(owners.get(0))),
                inventory.createResource("Wiki " + run, "GENERAL", List.of(owners.get(1))));
        String sponsor = "sponsor-" + run + "@example.com";
        return new Chain(inventory.guestWithGrants(resources, grants, sponsor), sponsor, owners);
    }

    List<ConsumerRecord<String, String>> revokedOnKafka(KafkaTestClient kafka) {
        return kafka.readAll(Topic.INVENTORY_ACCESS.topicName(), r -> guest.id().equals(r.key())
                && EventType.ACCESS_REVOKED.ceType().equals(KafkaTestClient.header(r, "ce_type")));
    }

    /** How many mails the sponsor and each owner hold, in that order. */
    List<Integer> mailCounts(Platform platform) {
        return List.of(platform.mailSubjects(sponsor).size(), platform.mailSubjects(owners.get(0)).size(),
                platform.mailSubjects(owners.get(1)).size());
    }
}
