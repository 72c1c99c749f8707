package dev.portcullis.review;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.AccessPackageChanged;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.ResourceUpserted;
import dev.portcullis.events.Topic;
import dev.portcullis.readmodel.KnownResource;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Access packages: their rules, their versions and events, and who may read and change which. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class AccessPackageTest {

    private final KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String owner = "owner-" + run + "@corp.example";

    @Test
    void anAdminCreatesAPackageItsOwnerChangesItEveryVersionIsKeptAndAnnouncedInOrder() {
        String crm = resource();
        String wiki = resource();
        Map<String, Object> body = pkg(List.of(Map.of("resourceId", crm, "role", "reader")));
        String id = admin().body(body).post("/api/v1/access-packages").then().statusCode(201).body("version", equalTo(1))
                .body("owners", equalTo(List.of(owner))).body("requestPolicy.onDeadline", equalTo("DENY"))
                .body("requestPolicy.questions[0].required", equalTo(true)).extract().path("id");

        // the owner adds a resource: version 2; the first stays readable
        body.put("resources", List.of(Map.of("resourceId", crm, "role", "reader"), Map.of("resourceId", wiki, "role", "editor")));
        as(owner).body(body).put("/api/v1/access-packages/" + id).then().statusCode(200).body("version", equalTo(2))
                .body("updatedBy", equalTo(owner));
        as(owner).get("/api/v1/access-packages/" + id + "/versions").then().statusCode(200).body("version", equalTo(List.of(1, 2)))
                .body("[0].resources.size()", equalTo(1)).body("[1].resources.size()", equalTo(2)).body("[1].changedBy", equalTo(owner));

        List<AccessPackageChanged> changes = await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.REVIEW_PACKAGES.topicName(),
                r -> id.equals(r.key()) && EventType.ACCESS_PACKAGE_CHANGED.ceType().equals(KafkaTestClient.header(r, "ce_type"))), r -> r.size() == 2)
                .stream().map(ConsumerRecord::value).map(v -> EventJson.read(v, AccessPackageChanged.class)).toList();
        assertEquals(List.of("CREATED 1", "UPDATED 2"), changes.stream().map(c -> c.change() + " " + c.version()).toList());
        // who offered each resource: the admin who made the package, the owner who added theirs; delivery acts with that authority
        assertEquals(List.of(new AccessPackageChanged.PackageResource(crm, "reader", "admin", "ADMIN"),
                new AccessPackageChanged.PackageResource(wiki, "editor", owner, "OWNER")), changes.get(1).resources());
        as(owner).get("/api/v1/access-packages/" + id).then().body("resources.offeredBy", equalTo(List.of("admin", owner)));
    }

    @Test
    void anOwnerCannotPutAResourceTheyDoNotOwnInTheirPackage() {
        String crm = resource();
        Map<String, Object> body = pkg(List.of(Map.of("resourceId", crm, "role", "reader")));
        String id = admin().body(body).post("/api/v1/access-packages").then().statusCode(201).extract().path("id");
        String someoneElses = resource("someone-" + run + "@corp.example");
        body.put("resources", List.of(Map.of("resourceId", crm, "role", "reader"), Map.of("resourceId", someoneElses, "role", "reader")));
        as(owner).body(body).put("/api/v1/access-packages/" + id).then().statusCode(403).contentType("application/problem+json")
                .body("detail", equalTo("resources[1].resourceId: resource " + someoneElses + " is not yours to offer: only an admin or an owner of"
                        + " the resource puts it in a package"));
        // nothing was saved
        as(owner).get("/api/v1/access-packages/" + id).then().statusCode(200).body("version", equalTo(1));
        // an admin may offer anything
        body.put("resources", List.of(Map.of("resourceId", crm, "role", "reader"), Map.of("resourceId", someoneElses, "role", "reader")));
        admin().body(body).put("/api/v1/access-packages/" + id).then().statusCode(200).body("resources.offeredAs", equalTo(List.of("ADMIN", "ADMIN")));
    }

    @Test
    void anOwnerSeesAndChangesOnlyTheirOwnPackagesAndNeitherItsScenarioNorItsOwners() {
        Map<String, Object> body = pkg(List.of(Map.of("resourceId", resource(), "role", "reader")));
        String id = admin().body(body).post("/api/v1/access-packages").then().statusCode(201).extract().path("id");
        String stranger = "stranger-" + run + "@corp.example";

        as(stranger).get("/api/v1/access-packages/" + id).then().statusCode(404);
        as(stranger).body(body).put("/api/v1/access-packages/" + id).then().statusCode(404);
        as(stranger).queryParam("limit", 500).get("/api/v1/access-packages").then().statusCode(200).body("items.id", not(hasItem(id)));
        as(owner).queryParam("limit", 500).get("/api/v1/access-packages").then().statusCode(200).body("items.id", equalTo(List.of(id)));

        Map<String, Object> moved = new HashMap<>(body);
        moved.put("scenarioId", UUID.randomUUID().toString());
        as(owner).body(moved).put("/api/v1/access-packages/" + id).then().statusCode(403);
        Map<String, Object> handedOver = new HashMap<>(body);
        handedOver.put("owners", List.of(owner, stranger));
        as(owner).body(handedOver).put("/api/v1/access-packages/" + id).then().statusCode(403);
        admin().body(handedOver).put("/api/v1/access-packages/" + id).then().statusCode(200).body("version", equalTo(2));
        as(stranger).get("/api/v1/access-packages/" + id).then().statusCode(200);
        given().auth().oauth2(TestTokens.auditor()).get("/api/v1/access-packages/" + id + "/versions").then().statusCode(200)
                .body("size()", equalTo(2));
    }

    @Test
    void aPackageThatBreaksARuleIsA400NamingTheFieldAndNothingIsCreated() {
        String crm = resource();
        Map<String, Map<String, Object>> broken = new LinkedHashMap<>();
        broken.put("owners", Map.of("owners", List.of()));
        broken.put("resources", Map.of("resources", List.of()));
        broken.put("resources[1].resourceId", Map.of("resources", List.of(Map.of("resourceId", crm, "role", "reader"),
                Map.of("resourceId", crm, "role", "editor"))));
        broken.put("resources[0].resourceId", Map.of("resources", List.of(Map.of("resourceId", UUID.randomUUID().toString(), "role", "reader"))));
        broken.put("requestPolicy.lifetimeDays", policy(Map.of("lifetimeDays", 0)));
        broken.put("requestPolicy.until", policy(Map.of("lifetimeDays", 90, "until", "2099-01-01T00:00:00Z")));
        broken.put("requestPolicy.who.partnerIds", policy(Map.of("who", Map.of("type", "NAMED_PARTNERS"))));
        broken.put("requestPolicy.approvalStages", policy(Map.of("approvalStages", List.of(stage(), stage(), stage(), stage()))));
        broken.put("requestPolicy.approvalStages[0].namedApprovers", policy(Map.of("approvalStages", List.of(Map.of("approvers", "NAMED",
                "deadlineDays", 7)))));
        broken.put("requestPolicy.approvalStages[0].fallbackApprovers", policy(Map.of("approvalStages", List.of(Map.of("approvers",
                "RESOURCE_OWNERS", "deadlineDays", 7)))));
        broken.put("requestPolicy.approvalStages[0].deadlineDays", policy(Map.of("approvalStages", List.of(Map.of("approvers", "PACKAGE_OWNERS",
                "deadlineDays", 91)))));
        broken.put("requestPolicy.questions[1].id", policy(Map.of("questions", List.of(Map.of("id", "why", "text", "Why?"),
                Map.of("id", "why", "text", "Why again?")))));
        int before = admin().queryParam("limit", 500).get("/api/v1/access-packages").then().extract().path("items.size()");
        broken.forEach((field, change) -> {
            Map<String, Object> body = pkg(List.of(Map.of("resourceId", crm, "role", "reader")));
            if (change.containsKey("requestPolicy")) {
                Map<String, Object> merged = new HashMap<>(policyOf(body));
                merged.putAll(policyOf(change));
                body.put("requestPolicy", merged);
            } else {
                body.putAll(change);
            }
            admin().body(body).post("/api/v1/access-packages").then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo(field));
        });
        admin().queryParam("limit", 500).get("/api/v1/access-packages").then().body("items.size()", equalTo(before));
    }

    /** A resource as inventory announces it, once review-service's read model holds it. */
    private String resource() {
        return resource(owner);
    }

    private String resource(String itsOwner) {
        String id = UUID.randomUUID().toString();
        kafka.publish(new ResourceUpserted(id, "app " + id.substring(0, 6), "APPLICATION", "CONFIDENTIAL", null, List.of(itsOwner), "admin", null));
        await().atMost(Duration.ofSeconds(20)).until(() -> QuarkusTransaction.requiringNew().call(() -> KnownResource.findById(UUID.fromString(id)) != null));
        return id;
    }

    private Map<String, Object> pkg(List<Map<String, Object>> resources) {
        return new HashMap<>(Map.of("name", "Falcon engineering " + run, "scenarioId", UUID.randomUUID().toString(), "owners", List.of(owner),
                "resources", resources, "requestPolicy", Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "approvalStages", List.of(stage()),
                        "lifetimeDays", 90, "questions", List.of(Map.of("id", "project", "text", "Which project?")))));
    }

    private static Map<String, Object> stage() {
        return Map.of("approvers", "PACKAGE_OWNERS", "deadlineDays", 7);
    }

    private static Map<String, Object> policy(Map<String, Object> change) {
        return Map.of("requestPolicy", change);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> policyOf(Map<String, Object> body) {
        return (Map<String, Object>) body.get("requestPolicy");
    }

    private RequestSpecification admin() {
        return given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON);
    }

    private RequestSpecification as(String email) {
        return given().auth().oauth2(TestTokens.owner(email)).contentType(ContentType.JSON);
    }
}
