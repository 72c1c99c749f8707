package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.portcullis.testsupport.PersonalDataScan;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Erasure means erased, everywhere: a guest who asked for access, reviewed their own access and was mailed about both is
 * removed, and then no table of any of the four services' databases holds their address, no service wrote it in a log
 * line, and inventory's audit chain still verifies (erasure rewrites no audited row's hash).
 */
@ExtendWith(Platform.class)
class GuestErasureTest {

    private static final String OWNER = "owner@example.com";
    private static final List<String> SERVICES = List.of("inventory", "review", "policy", "notification");

    @Test
    void aRemovedGuestsAddressLeavesEveryDatabaseAndEveryLogAndTheAuditChainStillVerifies() throws Exception {
        Platform platform = Platform.get();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String username = "erin-" + run;
        String email = username + "@partner.example";
        realmGuestUser(platform, username, email);
        SelfService.partnerExampleConnected(platform);
        // invited with an Idempotency-Key: the answer kept for a repeat quotes the address
        String guestId = platform.inventory().as(platform.userToken("admin")).header("Idempotency-Key", "invite-" + run)
                .body(Map.of("email", email, "displayName", "Erin " + run, "homeTenantId", "partner-example-tenant", "homeSubject", username,
                        "sponsors", List.of(OWNER))).post("/api/v1/guests").then().statusCode(201).extract().path("id");
        // an import that names them again: its rejected line quotes the address
        String importId = platform.inventory().as(platform.userToken("admin")).contentType("text/csv")
                .body("email,displayName,homeTenantId,homeSubject,sponsors\n" + email + ",Erin,partner-example-tenant," + username + "," + OWNER + "\n")
                .post("/api/v1/imports/guests").then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> platform.inventory().as(platform.userToken("admin")).get("/api/v1/imports/" + importId)
                .then().statusCode(200).extract().path("state"), equalTo("COMPLETED"));
        platform.inventory().as(platform.userToken("admin")).get("/api/v1/imports/" + importId + "/lines").then().statusCode(200)
                .body("items[0].errors", containsString(email));

        // the guest asks for a package, and its owner approves: the request names the guest's address in review-service
        String scenario = SelfService.scenario(platform, "Erasure " + run);
        String crm = SelfService.resource(platform, scenario, "CRM " + run, "CONFIDENTIAL", OWNER);
        Map<String, Object> pkg = Map.of("name", "Erasure " + run, "scenarioId", scenario, "owners", List.of(OWNER),
                "resources", List.of(Map.of("resourceId", crm, "role", "reader")),
                "requestPolicy", Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "lifetimeDays", 30,
                        "approvalStages", List.of(Map.of("approvers", "RESOURCE_OWNERS", "fallbackApprovers", List.of("admin@example.com"), "deadlineDays", 7))));
        // (review-service takes it once its read model holds the resource: until then a 400 naming it)
        var created = await().atMost(Duration.ofSeconds(20)).until(() -> Reviews.as(platform, "admin").body(pkg)
                .post("/api/v1/access-packages").then().extract(), r -> r.statusCode() != 400);
        assertEquals(201, created.statusCode(), created.asString());
        String packageId = created.path("id");
        String requestId = await().atMost(Duration.ofSeconds(20)).until(() -> asGuest(platform, username)
                .header("Idempotency-Key", "request-" + run).body(Map.of("packageId", packageId, "justification", "Erasure kick-off")).post("/api/v1/access-requests").then().extract(),
                r -> r.statusCode() == 201).path("id");
        Reviews.as(platform, "owner").body(Map.of("decision", "APPROVE")).post("/api/v1/access-requests/" + requestId + "/decision").then()
                .statusCode(200).body("state", equalTo("APPROVED"));
        await().atMost(Duration.ofSeconds(30)).until(() -> asGuest(platform, username).get("/api/v1/access-requests/" + requestId).then()
                .statusCode(200).extract().path("state"), equalTo("DELIVERED"));

        // then attests to that access in a self-review: reviewer and decider are the guest's address
        String definition = Reviews.as(platform, "admin").body(Map.of("name", "Self review " + run, "scope", Map.of("resourceIds", List.of(crm)),
                "reviewers", "SELF", "fallbackReviewers", List.of(OWNER), "recurrence", "ONCE", "durationDays", 7, "defaultDecision", "NONE"))
                .post("/api/v1/review-definitions").then().statusCode(201).extract().path("id");
        Reviews.startWhenKnown(platform, definition, 1);
        String item = asGuest(platform, username).get("/api/v1/my/review-items").then().statusCode(200).body("items", hasSize(1))
                .extract().path("items[0].id");
        asGuest(platform, username).body(Map.of("decision", "APPROVE", "justification", "still on the project"))
                .post("/api/v1/review-items/" + item + "/decision").then().statusCode(200).body("decidedBy", equalTo(email));
        await().atMost(Duration.ofSeconds(30)).until(() -> platform.mails(email).size(), n -> n > 0);
        try (Connection review = database(platform, "review")) {
            assertFalse(PersonalDataScan.holding(review, email).isEmpty(), "before the removal the scan finds the address it looks for");
        }

        platform.inventory().as(platform.userToken("admin")).body(Map.of("reason", "left the project")).delete("/api/v1/guests/" + guestId)
                .then().statusCode(200).body("state", equalTo("REMOVED"));

        Map<String, List<String>> holding = await().atMost(Duration.ofSeconds(30)).until(() -> holdingPerDatabase(platform, email),
                Map::isEmpty);
        assertEquals(Map.of(), holding);
        assertEquals(List.of(), logLinesNaming(platform, email), "services log ids, not addresses");
        platform.inventory().as(platform.userToken("auditor")).get("/api/v1/audit/verify").then().statusCode(200).body("intact", equalTo(true));
        // the decisions stay, named by the erased placeholder
        Reviews.as(platform, "admin").get("/api/v1/review-items/" + item).then().statusCode(200).body("decision", equalTo("APPROVE"))
                .body("decidedBy", equalTo(dev.portcullis.events.GuestRemoved.erasedEmail(guestId)));
    }

    /** A user of the portcullis realm with the guest role and a verified address, made by the realm's admin. */
    private static void realmGuestUser(Platform platform, String username, String email) {
        String keycloak = platform.endpoint("KEYCLOAK_URL");
        String master = given().formParam("grant_type", "password").formParam("client_id", "admin-cli").formParam("username", "admin")
                .formParam("password", "admin").post(keycloak + "/realms/master/protocol/openid-connect/token").then().statusCode(200)
                .extract().path("access_token");
        String users = keycloak + "/admin/realms/" + platform.endpoint("KEYCLOAK_REALM") + "/users";
        String location = given().auth().oauth2(master).contentType(ContentType.JSON).body(Map.of("username", username, "email", email,
                "emailVerified", true, "enabled", true, "firstName", "Erin", "lastName", "Erased",
                "credentials", List.of(Map.of("type", "password", "value", username, "temporary", false))))
                .post(users).then().statusCode(201).extract().header("Location");
        Map<String, Object> role = given().auth().oauth2(master).get(keycloak + "/admin/realms/" + platform.endpoint("KEYCLOAK_REALM")
                + "/roles/portcullis-guest").then().statusCode(200).extract().as(Map.class);
        given().auth().oauth2(master).contentType(ContentType.JSON).body(List.of(role)).post(location + "/role-mappings/realm").then()
                .statusCode(204);
    }

    private static RequestSpecification asGuest(Platform platform, String username) {
        return given().baseUri(platform.endpoint("REVIEW_URL")).auth().oauth2(platform.userToken(username)).contentType(ContentType.JSON);
    }

    private static Connection database(Platform platform, String service) throws SQLException {
        return platform.database(service);
    }

    /** The columns of each service's database that still hold {@code needle}; only databases holding it are named. */
    private static Map<String, List<String>> holdingPerDatabase(Platform platform, String needle) throws SQLException {
        Map<String, List<String>> holding = new LinkedHashMap<>();
        for (String service : SERVICES) {
            try (Connection connection = database(platform, service)) {
                List<String> columns = PersonalDataScan.holding(connection, needle);
                if (!columns.isEmpty()) {
                    holding.put(service, columns);
                }
            }
        }
        return holding;
    }

    /** The service log lines (every instance) that name {@code needle}. */
    private static List<String> logLinesNaming(Platform platform, String needle) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> logs = Files.list(Path.of(platform.endpoint("LOGS")))) {
            for (Path log : logs.filter(p -> SERVICES.stream().anyMatch(s -> p.getFileName().toString().startsWith(s))).toList()) {
                try (Stream<String> content = Files.lines(log)) {
                    content.filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains(needle)).forEach(l -> lines.add(log.getFileName() + ": " + l));
                }
            }
        }
        return lines;
    }
}
