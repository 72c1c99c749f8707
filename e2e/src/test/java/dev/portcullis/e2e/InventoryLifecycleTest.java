package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.testsupport.InventoryApi;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The inventory's lifecycle through the running platform and Keycloak's tokens: a bulk import with
 * good and bad rows, sign-ins that activate and never move time back, what an owner may see, and an
 * audit trail an auditor reads and verifies.
 */
@ExtendWith(Platform.class)
class InventoryLifecycleTest {

    @Test
    void importSignInOwnerScopeAndAuditAcrossThePlatform() {
        Platform platform = Platform.get();
        InventoryApi inventory = platform.inventory();
        String admin = platform.userToken("admin");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "tenant-" + run;
        String domain = "life-" + run + ".example";
        inventory.createPartner(tenant, domain);
        String mine = inventory.createResource("Board " + run, "GENERAL", List.of("owner@example.com"));
        String theirs = inventory.createResource("Payroll " + run, "GENERAL", List.of("someone-else-" + run + "@corp.example"));

        // an import with a good row, a bad one and another good one: the good ones land, the bad one is reported by line
        String csv = String.join("\n", "email,displayName,homeTenantId,homeSubject,sponsors,lastSignInAt,grants",
                "ann@" + domain + ",Ann," + tenant + ",ann,sponsor@example.com,," + mine + ":reader",
                "not-an-address,Bob," + tenant + ",bob,sponsor@example.com,,",
                "cy@" + domain + ",Cy," + tenant + ",cy,sponsor@example.com,," + theirs + ":reader");
        String importId = inventory.as(admin).contentType("text/csv").body(csv).post("/api/v1/imports/guests").then().statusCode(202).extract().path("id");
        JsonPath report = await().atMost(Duration.ofSeconds(30)).until(() -> inventory.as(admin).get("/api/v1/imports/" + importId).then()
                .statusCode(200).extract().jsonPath(), r -> "COMPLETED".equals(r.getString("state")));
        assertEquals(2, report.getInt("imported"));
        assertEquals(List.of(3), report.getList("rejectedLines.line"));
        String ann = inventory.as(admin).queryParam("q", "ann@" + domain).get("/api/v1/guests").then().extract().path("items[0].id");
        String cy = inventory.as(admin).queryParam("q", "cy@" + domain).get("/api/v1/guests").then().extract().path("items[0].id");

        // the first sign-in activates; an older record afterwards does not move the time back
        Instant recent = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        inventory.as(admin).body(Map.of("records", List.of(Map.of("guestId", ann, "at", recent.toString())))).post("/api/v1/sign-ins").then().statusCode(200);
        inventory.as(admin).body(Map.of("records", List.of(Map.of("guestId", ann, "at", recent.minus(30, ChronoUnit.DAYS).toString()))))
                .post("/api/v1/sign-ins").then().statusCode(200);
        inventory.as(admin).get("/api/v1/guests/" + ann).then().body("state", equalTo("ACTIVE")).body("lastSignInAt", equalTo(recent.toString()));

        // the owner sees the guest on their resource, and another owner's guest does not exist for them
        String owner = platform.userToken("owner");
        inventory.as(owner).get("/api/v1/guests/" + ann).then().statusCode(200);
        inventory.as(owner).get("/api/v1/guests/" + cy).then().statusCode(404);
        inventory.as(owner).queryParam("q", "ann@" + domain).get("/api/v1/guests").then().statusCode(200).body("items.id", equalTo(List.of(ann)));
        inventory.as(owner).queryParam("q", "cy@" + domain).get("/api/v1/guests").then().statusCode(200).body("items", org.hamcrest.Matchers.empty());

        // the auditor reads who did what, and the chain holds
        String auditor = platform.userToken("auditor");
        inventory.as(auditor).queryParam("guestId", ann).get("/api/v1/audit").then().statusCode(200)
                .body("items.action", hasItem("GUEST_INVITED")).body("items.action", hasItem("GRANT_CREATED"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> inventory.as(auditor).get("/api/v1/audit/verify").then().statusCode(200)
                .body("intact", equalTo(true)));
        inventory.as(auditor).body(Map.of("reason", "x")).post("/api/v1/guests/" + ann + "/block").then().statusCode(403);
    }
}
