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

    /**
     * An import waits behind two others (one per inventory instance), and the partner its rows name is blocked meanwhile: those
     * rows are rejected with the reason, the rest of it imports, and the import after it completes (the landed code's chunk failed
     * to commit, for good, and every import after it stayed RUNNING).
     */
    @Test
    void anImportIntoAPartnerBlockedWhileItWaitsRejectsItsRowsWithTheReasonAndTheNextImportCompletes() {
        Platform platform = Platform.get();
        InventoryApi inventory = platform.inventory();
        String admin = platform.userToken("admin");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String open = "open-" + run + ".example";
        String blocked = "blk-" + run + ".example";
        inventory.createPartner("tenant-open-" + run, open);
        String partner = inventory.createPartner("tenant-blk-" + run, blocked);
        // ahead of it, a chunk's worth for each instance
        List<String> ahead = List.of("x", "y").stream().map(batch -> submit(inventory, admin, "email,homeTenantId,sponsors\n"
                + String.join("\n", java.util.stream.IntStream.range(0, 1000).mapToObj(i -> batch + i + "@" + open + ",tenant-open-" + run
                        + ",sponsor@example.com").toList()))).toList();
        String waiting = submit(inventory, admin, String.join("\n", "email,homeTenantId,sponsors", "ann@" + blocked + ",tenant-blk-" + run
                + ",sponsor@example.com", "bob@" + open + ",tenant-open-" + run + ",sponsor@example.com", "cy@" + blocked + ",tenant-blk-" + run
                + ",sponsor@example.com"));
        inventory.as(admin).body(Map.of("state", "BLOCKED")).patch("/api/v1/partners/" + partner).then().statusCode(200);
        assertEquals(0, inventory.as(admin).get("/api/v1/imports/" + waiting).then().statusCode(200).extract().<Integer>path("processedRows"),
                "the import was still waiting when its partner was blocked");

        JsonPath report = finished(inventory, admin, waiting);
        assertEquals("COMPLETED", report.getString("state"), report.prettify());
        assertEquals(1, report.getInt("imported"));
        assertEquals(List.of(2, 4), report.getList("rejectedLines.line"));
        assertEquals("partner " + partner + " (Partner tenant-blk-" + run + ") is BLOCKED: its people cannot be invited",
                report.getString("rejectedLines[0].errors"));
        for (String id : ahead) {
            assertEquals(1000, finished(inventory, admin, id).getInt("imported"));
        }
        // and the next import goes on
        JsonPath next = finished(inventory, admin, submit(inventory, admin, "email,homeTenantId,sponsors\ndan@" + open + ",tenant-open-" + run
                + ",sponsor@example.com"));
        assertEquals("COMPLETED", next.getString("state"));
        assertEquals(1, next.getInt("imported"));
    }

    private static String submit(InventoryApi inventory, String admin, String csv) {
        return inventory.as(admin).contentType("text/csv").body(csv).post("/api/v1/imports/guests").then().statusCode(202).extract().path("id");
    }

    private static JsonPath finished(InventoryApi inventory, String admin, String importId) {
        return await().atMost(Duration.ofSeconds(90)).until(() -> inventory.as(admin).get("/api/v1/imports/" + importId).then().statusCode(200)
                .extract().jsonPath(), r -> !"RUNNING".equals(r.getString("state")));
    }

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
