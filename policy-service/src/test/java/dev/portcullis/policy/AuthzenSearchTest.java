package dev.portcullis.policy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.GuestInvited;
import dev.portcullis.events.ResourceUpserted;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The AuthZEN search APIs answer the auditor's questions from the access that exists and the policies in force. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class AuthzenSearchTest {

    private final KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());

    @Test
    void subjectResourceAndActionSearchListWhatTheGrantsAndThePoliciesAllow() {
        String partner = UUID.randomUUID().toString();
        String wiki = publishResource("GENERAL");
        String vault = publishResource("HIGHLY_CONFIDENTIAL");
        String ann = guest(partner, "ann@contoso.example");
        String bob = guest(partner, "bob@contoso.example");
        String eve = guest(partner, "eve@rival.example");
        grant(ann, wiki);
        grant(ann, vault);
        grant(bob, wiki);
        grant(eve, wiki);
        for (Map<String, Object> rule : List.of(Map.<String, Object>of("type", "PARTNER_DOMAINS", "blockDomains", List.of("rival.example")),
                Map.<String, Object>of("type", "SENSITIVITY_CEILING", "maxSensitivity", "CONFIDENTIAL"))) {
            given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(Map.of("name", "Search " + UUID.randomUUID(), "mode", "ENFORCE",
                    "scope", Map.of("partnerIds", List.of(partner)), "rule", rule)).post("/api/v1/policies").then().statusCode(201);
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> search("subject", Map.of("type", "guest"), "access", resource(wiki), null)
                .statusCode(200).body("results.id", containsInAnyOrder(ann, bob)).body("results.type", containsInAnyOrder("guest", "guest"))
                .body("page.next_token", equalTo("")));
        // page by page: the candidates come in id order, a page of one at a time
        List<String> paged = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ValidatableResponse page = search("subject", Map.of("type", "guest"), "access", resource(wiki), Map.of("token", token, "limit", 1))
                    .statusCode(200);
            paged.addAll(page.extract().<List<String>>path("results.id"));
            token = page.extract().path("page.next_token");
            pages++;
        } while (!token.isEmpty() && pages < 5);
        assertEquals(4, pages, "a page per candidate (eve's empty: the policies deny her), then an empty last one");
        assertEquals(List.of(ann, bob).stream().sorted().toList(), paged.stream().sorted().toList());

        search("resource", guestEntity(ann), "access", Map.of("type", "resource"), null).statusCode(200)
                .body("results.id", equalTo(List.of(wiki)));
        search("resource", guestEntity(eve), "access", Map.of("type", "resource"), null).statusCode(200).body("results", empty());

        actions(bob, wiki).body("results.name", equalTo(List.of("access", "grant")));
        // a known guest without a grant on a known resource may not access it, whatever the policies say
        given().auth().oauth2(TestTokens.withRole("gateway", "portcullis-pdp")).contentType(ContentType.JSON)
                .body(Map.of("subject", guestEntity(bob), "action", Map.of("name", "access"), "resource", resource(vault)))
                .post("/access/v1/evaluation").then().statusCode(200).body("decision", equalTo(false))
                .body("context.reasons[0].rule", equalTo("GRANT")).body("context.reasons[0].message", equalTo("the guest holds no active grant on this resource"));
        actions(bob, vault).body("results", empty());
        actions(eve, wiki).body("results", empty());
    }

    @Test
    void searchNeedsAPdpAdminOrAuditorAndRefusesBadPaging() {
        Map<String, Object> body = Map.of("subject", Map.of("type", "guest"), "action", Map.of("name", "access"),
                "resource", Map.of("type", "resource", "id", UUID.randomUUID().toString()));
        given().contentType(ContentType.JSON).body(body).post("/access/v1/search/subject").then().statusCode(401);
        given().auth().oauth2(TestTokens.owner("o@corp.example")).contentType(ContentType.JSON).body(body).post("/access/v1/search/subject")
                .then().statusCode(403);
        search("subject", Map.of("type", "guest"), "access", resource(UUID.randomUUID().toString()), Map.of("limit", 0)).statusCode(400)
                .body("errors[0].field", equalTo("page.limit"));
        search("subject", Map.of("type", "guest"), "access", resource(UUID.randomUUID().toString()), Map.of("token", "forged")).statusCode(400)
                .body("errors[0].field", equalTo("page.token"));
        given().auth().oauth2(TestTokens.auditor()).contentType(ContentType.JSON).body(Map.of("subject", Map.of("type", "guest"),
                "resource", Map.of("type", "resource", "id", UUID.randomUUID().toString()))).post("/access/v1/search/subject").then().statusCode(400)
                .body("errors[0].field", equalTo("action.name"));
        given().auth().oauth2(TestTokens.auditor()).get("/.well-known/authzen-configuration").then().statusCode(200)
                .body("search_subject_endpoint", equalTo(given().get("/.well-known/authzen-configuration").then().extract()
                        .<String>path("policy_decision_point") + "/access/v1/search/subject"));
    }

    private ValidatableResponse search(String what, Map<String, Object> subject, String action, Map<String, Object> resource, Map<String, Object> page) {
        Map<String, Object> body = new HashMap<>(Map.of("subject", subject, "action", Map.of("name", action), "resource", resource));
        if (page != null) {
            body.put("page", page);
        }
        return given().auth().oauth2(TestTokens.auditor()).contentType(ContentType.JSON).body(body).post("/access/v1/search/" + what).then();
    }

    private ValidatableResponse actions(String guest, String resource) {
        return given().auth().oauth2(TestTokens.auditor()).contentType(ContentType.JSON)
                .body(Map.of("subject", guestEntity(guest), "resource", resource(resource), "context", Map.of("requester",
                        Map.of("id", "admin@corp.example", "roles", List.of("portcullis-admin"))))).post("/access/v1/search/action").then().statusCode(200);
    }

    private static Map<String, Object> guestEntity(String id) {
        return Map.of("type", "guest", "id", id);
    }

    private static Map<String, Object> resource(String id) {
        return Map.of("type", "resource", "id", id);
    }

    private String publishResource(String sensitivity) {
        String id = UUID.randomUUID().toString();
        kafka.publish(new ResourceUpserted(id, "Resource " + id, "APPLICATION", sensitivity, null, List.of("owner@corp.example"), "admin", "created"));
        return id;
    }

    private String guest(String partner, String email) {
        String id = UUID.randomUUID().toString();
        kafka.publish(new GuestInvited(id, email, email, partner, "tenant", "sub-" + id, List.of("sponsor@corp.example"), Instant.now(), "admin", "t"));
        return id;
    }

    private void grant(String guest, String resource) {
        kafka.publish(new AccessGranted(UUID.randomUUID().toString(), guest, resource, "reader", Instant.now(), null, "admin", "t"));
    }
}
