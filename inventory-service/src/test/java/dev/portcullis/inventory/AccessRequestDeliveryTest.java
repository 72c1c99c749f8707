package dev.portcullis.inventory;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.AccessPackageChanged.PackageResource;
import dev.portcullis.events.AccessRequestApproved;
import dev.portcullis.events.AccessRequestRefused;
import dev.portcullis.events.AccessRequestSubmitted.Requester;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestInvited;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * inventory-service delivers an approved access request from review.requests: it invites a newcomer
 * (sponsored as the request says) and grants every resource of the package until the request's
 * expiry, each access-granted naming the request; a guest it cannot grant to gets nothing and the
 * refusal is on inventory.deliveries; a redelivered approval changes nothing. (The policies' refusals
 * are the e2e platform's: these tests run without a policy-service.)
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class AccessRequestDeliveryTest {

    @TestHTTPResource("/")
    URL baseUrl;

    private final KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aNewcomerIsInvitedAndGrantedThePackageOnceEvenWhenTheApprovalComesTwice() {
        InventoryApi api = api();
        String domain = "p" + run + ".example";
        String partner = api.createPartner("tenant-" + run, domain);
        List<String> resources = api.twoResources();
        String email = "nia-" + run + "@" + domain;
        String requestId = UUID.randomUUID().toString();
        Instant expiresAt = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
        AccessRequestApproved approved = new AccessRequestApproved(requestId, UUID.randomUUID().toString(), "Falcon",
                new Requester(email, null, "sub-" + run, "Nia"), null, partner, List.of("owner-" + run + "@corp.example"),
                List.of(new PackageResource(resources.get(0), "reader"), new PackageResource(resources.get(1), "editor")), expiresAt,
                "owner-" + run + "@corp.example", Instant.now(), List.of("owner-" + run + "@corp.example"));
        String ceId = UUID.randomUUID().toString();
        kafka.publish(approved, ceId);

        List<AccessGranted> grants = await().atMost(Duration.ofSeconds(20)).until(() -> granted(requestId), g -> g.size() == 2);
        assertEquals(List.of(resources.get(0) + " reader", resources.get(1) + " editor").stream().sorted().toList(),
                grants.stream().map(g -> g.resourceId() + " " + g.role()).sorted().toList());
        assertTrue(grants.stream().allMatch(g -> expiresAt.equals(g.expiresAt())), grants.toString());
        String guestId = grants.get(0).guestId();
        GuestInvited invited = EventJson.read(kafka.readAll(Topic.INVENTORY_GUESTS.topicName(), r -> guestId.equals(r.key())
                && EventType.GUEST_INVITED.ceType().equals(KafkaTestClient.header(r, "ce_type"))).get(0).value(), GuestInvited.class);
        assertEquals(email, invited.email());
        assertEquals(partner, invited.partnerId());
        assertEquals(List.of("owner-" + run + "@corp.example"), invited.sponsors());

        // the same approval again (a redelivery), then another request's: once that one is delivered, the first was not delivered twice
        kafka.publish(approved, ceId);
        String next = UUID.randomUUID().toString();
        kafka.publish(new AccessRequestApproved(next, UUID.randomUUID().toString(), "Wiki", new Requester(email, null, null, null), guestId,
                partner, List.of("owner-" + run + "@corp.example"), List.of(new PackageResource(resources.get(0), "viewer")), expiresAt, "owner-" + run + "@corp.example",
                Instant.now(), List.of("owner-" + run + "@corp.example")));
        await().atMost(Duration.ofSeconds(20)).until(() -> granted(next).size() == 1);
        assertEquals(guestId, granted(next).get(0).guestId());
        assertEquals(2, granted(requestId).size());
        assertEquals(3, given().auth().oauth2(TestTokens.admin()).queryParam("guestId", guestId).get(baseUrl + "api/v1/grants").then()
                .statusCode(200).extract().<List<String>>path("items.id").size());
    }

    @Test
    void aBlockedGuestIsGrantedNothingAndTheRefusalSaysWhy() {
        InventoryApi api = api();
        InventoryApi.Guest guest = api.guestWithGrants(api.twoResources(), 0, "sponsor-" + run + "@corp.example");
        given().auth().oauth2(TestTokens.admin()).contentType("application/json").body("{\"reason\":\"left the project\"}")
                .post(baseUrl + "api/v1/guests/" + guest.id() + "/block").then().statusCode(200);
        String email = given().auth().oauth2(TestTokens.admin()).get(baseUrl + "api/v1/guests/" + guest.id()).then().extract().path("email");
        String requestId = UUID.randomUUID().toString();
        kafka.publish(new AccessRequestApproved(requestId, UUID.randomUUID().toString(), "Falcon", new Requester(email, null, null, null),
                guest.id(), null, List.of("sponsor-" + run + "@corp.example"), List.of(new PackageResource(api.twoResources().get(0), "reader")),
                Instant.now().plus(Duration.ofDays(30)), "owner@corp.example", Instant.now(), List.of("owner@corp.example")));

        ConsumerRecord<String, String> refusal = await().atMost(Duration.ofSeconds(20)).until(() -> kafka.readAll(
                Topic.INVENTORY_DELIVERIES.topicName(), r -> r.value().contains(requestId)), r -> !r.isEmpty()).get(0);
        AccessRequestRefused refused = EventJson.read(refusal.value(), AccessRequestRefused.class);
        assertEquals(guest.id(), refused.guestId());
        assertEquals(guest.id(), refusal.key());
        assertTrue(refused.message().contains("BLOCKED"), refused.message());
        assertEquals(List.of(), granted(requestId));
    }

    @Test
    void aNewcomerOfAPartnerBlockedSinceTheRequestIsRefusedWithTheReasonAndTheAuditNamesTheApprovers() {
        InventoryApi api = api();
        String domain = "blk" + run + ".example";
        String partner = api.createPartner("tenant-blk-" + run, domain);
        given().auth().oauth2(TestTokens.admin()).contentType("application/json").body(java.util.Map.of("state", "BLOCKED"))
                .patch(baseUrl + "api/v1/partners/" + partner).then().statusCode(200);
        String requestId = UUID.randomUUID().toString();
        kafka.publish(new AccessRequestApproved(requestId, UUID.randomUUID().toString(), "Falcon", new Requester("nora-" + run + "@" + domain,
                "tenant-blk-" + run, null, null), null, partner, List.of("owner@corp.example"), List.of(new PackageResource(api.twoResources().get(0),
                "reader", "owner@corp.example", "OWNER")), Instant.now().plus(Duration.ofDays(30)), "security@corp.example", Instant.now(),
                List.of("owner@corp.example", "security@corp.example")));
        // the refusal is written (a refusal thrown through a transactional method made the delivery's commit fail, for good)
        ConsumerRecord<String, String> refusal = await().atMost(Duration.ofSeconds(20)).until(() -> kafka.readAll(
                Topic.INVENTORY_DELIVERIES.topicName(), r -> r.value().contains(requestId)), r -> !r.isEmpty()).get(0);
        AccessRequestRefused refused = EventJson.read(refusal.value(), AccessRequestRefused.class);
        assertTrue(refused.message().contains("partner " + partner) && refused.message().contains("is BLOCKED"), refused.message());
        assertEquals(List.of(), granted(requestId));

        // a delivered one records its whole approval chain in the audit trail
        String email = "nils-" + run + "@p" + run + ".example";
        api.createPartner("tenant-n-" + run, "p" + run + ".example");
        String delivered = UUID.randomUUID().toString();
        kafka.publish(new AccessRequestApproved(delivered, UUID.randomUUID().toString(), "Falcon", new Requester(email, "tenant-n-" + run, null, null),
                null, null, List.of("owner@corp.example"), List.of(new PackageResource(api.twoResources().get(0), "reader", "owner@corp.example",
                "OWNER")), Instant.now().plus(Duration.ofDays(30)), "security@corp.example", Instant.now(),
                List.of("owner@corp.example", "security@corp.example")));
        String guestId = await().atMost(Duration.ofSeconds(20)).until(() -> granted(delivered), g -> g.size() == 1).get(0).guestId();
        given().auth().oauth2(TestTokens.admin()).queryParam("guestId", guestId).get(baseUrl + "api/v1/audit").then().statusCode(200)
                .body("items.find { it.action == 'ACCESS_REQUEST_DELIVERED' }.details.approvers",
                        org.hamcrest.Matchers.equalTo(List.of("owner@corp.example", "security@corp.example")))
                .body("items.find { it.action == 'ACCESS_REQUEST_DELIVERED' }.cause", org.hamcrest.Matchers.equalTo(delivered));
    }

    private InventoryApi api() {
        return new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
    }

    private List<AccessGranted> granted(String requestId) {
        return kafka.readAll(Topic.INVENTORY_ACCESS.topicName(), r -> EventType.ACCESS_GRANTED.ceType().equals(KafkaTestClient.header(r, "ce_type"))
                && r.value().contains(requestId)).stream().map(r -> EventJson.read(r.value(), AccessGranted.class)).toList();
    }
}
