package dev.portcullis.inventory;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.ReviewDecisionRecorded;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The evidence report against a scripted history: a guest invited, granted, reviewed, cut off by their partner's signal and then
 * removed. Each line of the CSV is compared with what happened, in order, and the report ends with the audit chain's verification.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class EvidenceTest {

    @TestHTTPResource("/")
    URL baseUrl;

    @Test
    void theEvidenceOfAGuestInvitedGrantedReviewedCutOffAndRemovedIsWhatHappenedLineByLine() {
        InventoryApi api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "tenant-" + run;
        String domain = "evidence-" + run + ".example";
        String partner = api.createPartner(tenant, domain);
        String crm = api.createResource("CRM " + run, "CONFIDENTIAL", List.of("owner@corp.example"));
        String guest = api.inviteGuest("ana@" + domain, tenant, "ana-" + run, List.of("sponsor@corp.example"));
        String grant = api.grant(guest, crm, "reader");

        // the owner confirms Ana's access in a campaign (review-service publishes the decision; inventory records it)
        String campaign = UUID.randomUUID().toString();
        new KafkaTestClient(KafkaResource.bootstrapServers()).publish(new ReviewDecisionRecorded(campaign, UUID.randomUUID().toString(), grant, guest,
                crm, "owner@corp.example", "APPROVE", "still on the Falcon project", Instant.now(), "Partner access " + run, "APPROVE",
                "signed in 3 days ago"));
        await().atMost(Duration.ofSeconds(20)).until(() -> api.as(TestTokens.auditor()).queryParam("guestId", guest).get("/api/v1/audit").then()
                .extract().<List<String>>path("items.action").contains("REVIEW_DECISION_RECORDED"));

        // her partner disables her account at home: the grant ends; then an admin removes her
        String signal = api.postSignal("ACCOUNT_DISABLED", tenant, "ana-" + run, Instant.now()).then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(20)).until(() -> api.grantStates(guest).equals(List.of("REVOKED")));
        api.as(TestTokens.admin()).body(Map.of("reason", "contract ended")).delete("/api/v1/guests/" + guest).then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> api.as(TestTokens.auditor()).get("/api/v1/audit/verify").then().extract()
                .jsonPath().getLong("pending") == 0);

        String csv = api.as(TestTokens.auditor()).accept("text/csv").queryParam("partnerId", partner).get("/api/v1/evidence").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/csv"))
                .header("Content-Disposition", org.hamcrest.Matchers.startsWith("attachment; filename=\"portcullis-evidence-")).extract().asString();
        List<List<String>> lines = parse(csv);
        assertEquals(List.of("guest_id", "guest", "partner_id", "section", "at", "actor", "resource_id", "resource", "grant_id", "what", "why", "cause",
                "audit_chain_seq", "audit_hash"), lines.get(0));
        String erased = guest + "@erased.invalid";
        String signalClient = "service-account-portcullis-signal";
        List<List<String>> expected = List.of(
                List.of("IDENTITY", "admin", "", "", "", "home tenant " + tenant + "; removed * (ADMIN), personal data erased", "", ""),
                List.of("SPONSOR", "", "", "", "", "sponsor@corp.example", "", ""),
                List.of("INVITED", "admin", "", "", "", "invited", "invited", ""),
                List.of("GRANT", "admin", crm, "CRM " + run, grant, "granted as reader, no end date", "project work", ""),
                List.of("REVIEW", "owner@corp.example", crm, "CRM " + run, grant, "APPROVE in campaign Partner access " + run
                        + "; recommended APPROVE (signed in 3 days ago)", "still on the Falcon project", campaign),
                List.of("END_OF_ACCESS", signalClient, crm, "CRM " + run, grant, "revoked: PARTNER_ACCOUNT_DISABLED", "", signal),
                List.of("GUEST_BLOCKED", signalClient, "", "", "", "guest blocked", "PARTNER_ACCOUNT_DISABLED", signal),
                List.of("REMOVED", "admin", "", "", "", "removed: ADMIN; grants revoked none", "", "admin: contract ended"));
        List<List<String>> actual = new ArrayList<>();
        for (List<String> line : lines.subList(1, lines.size() - 1)) {
            assertEquals(guest, line.get(0));
            assertEquals(erased, line.get(1), "her address stays erased");
            assertEquals(partner, line.get(2));
            actual.add(List.of(line.get(3), line.get(5), line.get(6), line.get(7), line.get(8), line.get(9).replaceAll("removed \\S+ \\(", "removed * ("),
                    line.get(10), line.get(11)));
            if (!line.get(3).equals("IDENTITY") && !line.get(3).equals("SPONSOR")) {
                assertTrue(line.get(12).matches("\\d+") && line.get(13).matches("[0-9a-f]{64}"), "chained: " + line);
            }
        }
        assertEquals(expected, actual);

        // the last line: the chain's verification, with its head hash
        List<String> chain = lines.get(lines.size() - 1);
        assertEquals("CHAIN", chain.get(3));
        assertTrue(chain.get(9).startsWith("audit chain intact: "), chain.get(9));
        String head = api.as(TestTokens.auditor()).queryParam("limit", 1).get("/api/v1/audit").then().extract().path("items[0].hash");
        assertTrue(head != null && chain.get(13).matches("[0-9a-f]{64}"), chain.toString());

        // the JSON form is the same report, for the console's printable page
        api.as(TestTokens.admin()).accept("application/json").queryParam("partnerId", partner).get("/api/v1/evidence").then().statusCode(200)
                .body("guests", equalTo(1)).body("lines.section", equalTo(lines.subList(1, lines.size() - 1).stream().map(l -> l.get(3)).toList()))
                .body("chain.intact", equalTo(true));
        // another partner's report does not name her; bad input is a 400 naming the field
        String other = api.createPartner("other-" + run, "other-" + run + ".example");
        assertEquals(2, parse(api.as(TestTokens.auditor()).accept("text/csv").queryParam("partnerId", other).get("/api/v1/evidence").then()
                .statusCode(200).extract().asString()).size(), "a header and the chain line");
        api.as(TestTokens.auditor()).queryParam("from", "2026-12-05").queryParam("to", "2026-12-01").get("/api/v1/evidence").then().statusCode(400)
                .body("errors[0].field", equalTo("from"));
        api.as(TestTokens.auditor()).queryParam("partnerId", "nope").get("/api/v1/evidence").then().statusCode(400)
                .body("errors[0].field", equalTo("partnerId"));
    }

    /** RFC 4180, as a spreadsheet reads it: quoted fields may hold commas, quotes ("") and line breaks. */
    private static List<List<String>> parse(String csv) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        return records;
    }
}
