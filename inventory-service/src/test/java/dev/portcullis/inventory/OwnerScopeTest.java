package dev.portcullis.inventory;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A resource owner sees their own resources, the grants on them and those grants' guests, and
 * nothing else: another owner's objects are 404s. They invite, grant and revoke on their own resources
 * (the scenario's control model is policy-service's to apply, which the e2e tests cover).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class OwnerScopeTest {

    @TestHTTPResource("/")
    URL baseUrl;

    InventoryApi api;
    String olga;
    String sam;
    String olgasResource;
    String samsResource;
    String olgasGuest;
    String olgasGrant;
    String samsGuest;
    String samsGrant;
    String tenant;
    String domain;
    String suffix;

    @BeforeEach
    void setUp() {
        api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        suffix = UUID.randomUUID().toString().substring(0, 8);
        olga = "olga-" + suffix + "@corp.example";
        sam = "sam-" + suffix + "@corp.example";
        olgasResource = api.createResource("Olga's CRM " + suffix, "CONFIDENTIAL", List.of(olga));
        samsResource = api.createResource("Sam's wiki " + suffix, "GENERAL", List.of(sam));
        tenant = "tenant-" + suffix;
        domain = "org" + suffix + ".com";
        api.createPartner(tenant, domain);
        olgasGuest = api.inviteGuest("ann@" + domain, tenant, "ann", List.of("sponsor@example.com"));
        olgasGrant = api.grant(olgasGuest, olgasResource, "reader");
        samsGuest = api.inviteGuest("bob@" + domain, tenant, "bob", List.of("sponsor@example.com"));
        samsGrant = api.grant(samsGuest, samsResource, "reader");
    }

    @Test
    void anOwnerSeesOnlyTheirOwnResourcesGrantsAndGuests() {
        String token = TestTokens.owner(olga);
        api.as(token).get("/api/v1/resources").then().statusCode(200).body("items.id", equalTo(List.of(olgasResource)));
        api.as(token).get("/api/v1/resources/" + olgasResource).then().statusCode(200);
        api.as(token).get("/api/v1/resources/" + samsResource).then().statusCode(404);

        api.as(token).get("/api/v1/guests").then().statusCode(200).body("items.id", equalTo(List.of(olgasGuest)));
        api.as(token).get("/api/v1/guests/" + olgasGuest).then().statusCode(200).body("activeGrants.id", equalTo(List.of(olgasGrant)));
        api.as(token).get("/api/v1/guests/" + samsGuest).then().statusCode(404);

        api.as(token).get("/api/v1/grants").then().statusCode(200).body("items.id", equalTo(List.of(olgasGrant)));
        api.as(token).queryParam("guestId", samsGuest).get("/api/v1/grants").then().statusCode(200).body("items.size()", equalTo(0));
        api.as(token).get("/api/v1/grants/" + olgasGrant).then().statusCode(200);
        api.as(token).get("/api/v1/grants/" + samsGrant).then().statusCode(404);

        // a guest holding grants of both owners: each owner sees the guest, and only their own grant
        String shared = api.grant(samsGuest, olgasResource, "editor");
        api.as(token).get("/api/v1/guests/" + samsGuest).then().statusCode(200).body("activeGrants.id", equalTo(List.of(shared)));
        api.as(TestTokens.owner(sam)).get("/api/v1/guests/" + samsGuest).then().statusCode(200).body("activeGrants.id", equalTo(List.of(samsGrant)));
    }

    @Test
    void grantsAreSearchedByGuestPartnerAndSensitivityWithinWhatTheAskerSees() {
        String otherTenant = tenant + "-b";
        String otherDomain = "b" + domain;
        String otherPartner = api.createPartner(otherTenant, otherDomain);
        String carl = api.inviteGuest("carl@" + otherDomain, otherTenant, "carl", List.of("sponsor@example.com"));
        String carlsGrant = api.grant(carl, olgasResource, "reader");
        String admin = TestTokens.admin();

        // each item names its guest and its resource, so a console lists them without a call per row
        api.as(admin).queryParam("q", "ann@" + domain).get("/api/v1/grants").then().statusCode(200)
                .body("items.id", equalTo(List.of(olgasGrant))).body("items[0].guestEmail", equalTo("ann@" + domain))
                .body("items[0].resourceName", equalTo("Olga's CRM " + suffix)).body("items[0].sensitivity", equalTo("CONFIDENTIAL"));
        api.as(admin).queryParam("partnerId", otherPartner).get("/api/v1/grants").then().statusCode(200).body("items.id", equalTo(List.of(carlsGrant)));
        api.as(admin).queryParam("q", "ANN@" + domain.toUpperCase()).queryParam("minSensitivity", "HIGHLY_CONFIDENTIAL").get("/api/v1/grants")
                .then().statusCode(200).body("items.size()", equalTo(0));
        api.as(admin).queryParam("q", "bob@" + domain).queryParam("minSensitivity", "GENERAL").get("/api/v1/grants")
                .then().statusCode(200).body("items.id", equalTo(List.of(samsGrant)));
        api.as(admin).queryParam("q", "bob@" + domain).queryParam("minSensitivity", "CONFIDENTIAL").get("/api/v1/grants")
                .then().statusCode(200).body("items.size()", equalTo(0));
        // the owner's view narrows the search too: Sam's guest Bob is not Olga's
        api.as(TestTokens.owner(olga)).queryParam("q", "bob@" + domain).get("/api/v1/grants").then().statusCode(200).body("items.size()", equalTo(0));
        api.as(TestTokens.owner(sam)).queryParam("partnerId", otherPartner).get("/api/v1/grants").then().statusCode(200).body("items.size()", equalTo(0));
        // a filter that means nothing is a 400 naming it
        api.as(admin).queryParam("minSensitivity", "SECRET").get("/api/v1/grants").then().statusCode(400)
                .body("errors[0].field", equalTo("minSensitivity"));
    }

    @Test
    void anOwnerInvitesGrantsAndRevokesOnTheirOwnResourcesOnly() {
        String token = TestTokens.owner(olga);
        api.as(token).delete("/api/v1/grants/" + samsGrant).then().statusCode(404);
        api.as(TestTokens.admin()).get("/api/v1/grants/" + samsGrant).then().body("state", equalTo("ACTIVE"));
        api.as(token).body(Map.of("reason", "project over")).delete("/api/v1/grants/" + olgasGrant).then().statusCode(200).body("state", equalTo("REVOKED"));

        Map<String, Object> invite = Map.of("email", "cy@" + domain, "homeTenantId", tenant, "homeSubject", "cy", "sponsors", List.of(olga));
        api.as(token).body(invite).post("/api/v1/guests").then().statusCode(400).body("errors[0].field", equalTo("resourceId"));
        api.as(token).body(with(invite, "resourceId", samsResource)).post("/api/v1/guests").then().statusCode(400)
                .body("errors[0].field", equalTo("resourceId")).body("errors[0].message", equalTo("names no resource you own"));
        String cy = api.as(token).body(with(invite, "resourceId", olgasResource)).post("/api/v1/guests").then().statusCode(201)
                .body("invitedBy", equalTo(olga)).extract().path("id");
        api.as(token).get("/api/v1/guests/" + cy).then().statusCode(200);

        api.as(token).body(Map.of("guestId", cy, "resourceId", samsResource, "role", "reader", "justification", "x")).post("/api/v1/grants")
                .then().statusCode(400).body("errors[0].field", equalTo("resourceId"));
        api.as(token).body(Map.of("guestId", cy, "resourceId", olgasResource, "role", "reader", "justification", "joint project")).post("/api/v1/grants")
                .then().statusCode(201);
        api.as(token).get("/api/v1/guests").then().body("items.id", hasItem(cy)).body("items.id", not(hasItem(samsGuest)));
        // what stays the admins': partners, resources, blocks, the audit trail
        api.as(token).body(Map.of("reason", "x")).post("/api/v1/guests/" + cy + "/block").then().statusCode(403);
        api.as(token).get("/api/v1/audit").then().statusCode(403);
    }

    private static Map<String, Object> with(Map<String, Object> map, String key, Object value) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(map);
        copy.put(key, value);
        return copy;
    }
}
