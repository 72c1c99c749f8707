package dev.portcullis.inventory.scim;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventSchemas;
import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.GuestInvited;
import dev.portcullis.events.GuestRemoved;
import dev.portcullis.events.GuestUnblocked;
import dev.portcullis.events.GuestUpdated;
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
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SCIM 2.0 over the guest inventory, as a provisioning client (Entra, Okta, a partner's IdP) uses it:
 * each operation and filter, the SCIM errors, and the same events and revocations the REST API causes.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ScimTest {

    private static final String USER = "urn:ietf:params:scim:schemas:core:2.0:User";
    private static final String GUEST = "urn:ietf:params:scim:schemas:extension:portcullis:2.0:Guest";
    private static final String PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private static final String ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
    private static final String SCIM_JSON = "application/scim+json";

    @TestHTTPResource("/")
    URL baseUrl;

    InventoryApi api;
    KafkaTestClient kafka;
    String tenant;
    String domain;
    String partnerId;

    @BeforeEach
    void setUp() {
        api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        tenant = "tenant-" + suffix;
        domain = "s" + suffix + ".example";
        partnerId = api.createPartner(tenant, domain);
    }

    private RequestSpecification scim() {
        return given().baseUri(baseUrl.toString()).auth().oauth2(TestTokens.scim()).contentType(SCIM_JSON);
    }

    private Map<String, Object> user(String local, String externalId, List<String> sponsors) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("schemas", List.of(USER, GUEST));
        user.put("userName", local + "@" + domain);
        user.put("displayName", "Ann " + local);
        user.put("externalId", externalId);
        user.put("active", true);
        user.put("emails", List.of(Map.of("value", local + "@" + domain, "type", "work", "primary", true)));
        user.put(GUEST, Map.of("homeTenantId", tenant, "homeSubject", "sub-" + local, "sponsors", sponsors));
        return user;
    }

    private String create(String local, String externalId) {
        return scim().body(user(local, externalId, List.of("sponsor@example.com"))).post("/scim/v2/Users").then().statusCode(201)
                .extract().path("id");
    }

    private static Map<String, Object> patch(Map<String, Object>... operations) {
        return Map.of("schemas", List.of(PATCH), "Operations", List.of(operations));
    }

    private static Map<String, Object> op(String op, String path, Object value) {
        Map<String, Object> operation = new LinkedHashMap<>();
        operation.put("op", op);
        if (path != null) {
            operation.put("path", path);
        }
        if (value != null) {
            operation.put("value", value);
        }
        return operation;
    }

    private static void scimError(ValidatableResponse response, int status, String scimType, String detailMentions) {
        response.statusCode(status).contentType(SCIM_JSON).body("schemas", equalTo(List.of(ERROR))).body("status", equalTo(String.valueOf(status)))
                .body("scimType", scimType == null ? nullValue() : equalTo(scimType)).body("detail", containsString(detailMentions));
    }

    private List<ConsumerRecord<String, String>> guestEvents(String guestId, EventType type, int expected) {
        List<ConsumerRecord<String, String>> records = await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.INVENTORY_GUESTS.topicName(),
                r -> guestId.equals(r.key()) && type.ceType().equals(KafkaTestClient.header(r, "ce_type"))), r -> r.size() >= expected);
        assertEquals(expected, records.size());
        records.forEach(r -> assertEquals(List.of(), EventSchemas.violations(type, r.value())));
        return records;
    }

    private long guestsOfTenant() {
        return api.as(TestTokens.admin()).queryParam("partnerId", partnerId).queryParam("limit", 500).get("/api/v1/guests").then().statusCode(200)
                .extract().<List<String>>path("items.id").size();
    }

    @Test
    void aProvisionedUserIsAGuestWithItsEventAndReadsBackAsSent() {
        String location = scim().body(user("ann", "ext-ann-" + tenant, List.of("Sponsor@Example.com"))).post("/scim/v2/Users").then()
                .statusCode(201).contentType(SCIM_JSON)
                .header("Location", containsString("/scim/v2/Users/"))
                .body("schemas", equalTo(List.of(USER, GUEST)))
                .body("userName", equalTo("ann@" + domain)).body("displayName", equalTo("Ann ann")).body("active", equalTo(true))
                .body("externalId", equalTo("ext-ann-" + tenant)).body("userType", equalTo("Guest"))
                .body("emails[0].value", equalTo("ann@" + domain)).body("emails[0].primary", equalTo(true))
                .body("'" + GUEST + "'.homeTenantId", equalTo(tenant)).body("'" + GUEST + "'.homeSubject", equalTo("sub-ann"))
                .body("'" + GUEST + "'.sponsors", equalTo(List.of("sponsor@example.com"))).body("'" + GUEST + "'.state", equalTo("INVITED"))
                .body("meta.resourceType", equalTo("User")).body("meta.created", org.hamcrest.Matchers.notNullValue())
                .extract().header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);

        scim().get("/scim/v2/Users/" + id).then().statusCode(200).body("id", equalTo(id)).body("meta.location", equalTo(location));
        // the same guest the REST API shows, invited by the SCIM client, with the same event an invitation publishes
        api.as(TestTokens.admin()).get("/api/v1/guests/" + id).then().statusCode(200).body("email", equalTo("ann@" + domain))
                .body("state", equalTo("INVITED")).body("invitedBy", equalTo("service-account-portcullis-scim"));
        GuestInvited invited = EventJson.read(guestEvents(id, EventType.GUEST_INVITED, 1).get(0).value(), GuestInvited.class);
        assertEquals("ann@" + domain, invited.email());
        assertEquals("service-account-portcullis-scim", invited.actor());
        api.as(TestTokens.auditor()).queryParam("guestId", id).get("/api/v1/audit").then().statusCode(200)
                .body("items.action", hasItem("GUEST_INVITED")).body("items.actor", hasItem("service-account-portcullis-scim"));
        // a provisioning system now ends the partner's guests' access: the partner is announced as provisioned over SCIM (the posture)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> kafka.readAll(
                dev.portcullis.events.Topic.INVENTORY_PARTNERS.topicName(), r -> partnerId.equals(r.key())).stream()
                .map(r -> EventJson.read(r.value(), dev.portcullis.events.PartnerUpserted.class))
                .anyMatch(p -> p.signalChannels() != null && p.signalChannels().scimProvisionedAt() != null));
    }

    @Test
    void aCreateThatCannotBeIsASCIMErrorAndCreatesNothing() {
        create("taken", "ext-taken-" + tenant);
        long before = guestsOfTenant();

        scimError(scim().body(user("taken", "other-" + tenant, List.of("s@example.com"))).post("/scim/v2/Users").then(), 409, "uniqueness", "taken@");
        scimError(scim().body(user("fresh", "ext-taken-" + tenant, List.of("s@example.com"))).post("/scim/v2/Users").then(), 409, "uniqueness",
                "externalId");
        scimError(scim().body(user("nosponsor", null, List.of())).post("/scim/v2/Users").then(), 400, "invalidValue", GUEST + ":sponsors");
        scimError(scim().body(user("six", null, List.of("a@x.example", "b@x.example", "c@x.example", "d@x.example", "e@x.example", "f@x.example")))
                .post("/scim/v2/Users").then(), 400, "invalidValue", "1 to 5 sponsors");
        Map<String, Object> notAnAddress = user("plain", null, List.of("s@example.com"));
        notAnAddress.put("userName", "not an address");
        notAnAddress.remove("emails");
        scimError(scim().body(notAnAddress).post("/scim/v2/Users").then(), 400, "invalidValue", "userName");
        Map<String, Object> mismatched = user("mismatch", null, List.of("s@example.com"));
        mismatched.put("emails", List.of(Map.of("value", "someone-else@" + domain, "primary", true)));
        scimError(scim().body(mismatched).post("/scim/v2/Users").then(), 400, "invalidValue", "emails");
        Map<String, Object> noSchemas = user("noschemas", null, List.of("s@example.com"));
        noSchemas.remove("schemas");
        scimError(scim().body(noSchemas).post("/scim/v2/Users").then(), 400, "invalidSyntax", "schemas");
        Map<String, Object> noTenant = user("notenant", null, List.of("s@example.com"));
        noTenant.put(GUEST, Map.of("sponsors", List.of("s@example.com")));
        scimError(scim().body(noTenant).post("/scim/v2/Users").then(), 400, "invalidValue", GUEST + ":homeTenantId");

        assertEquals(before, guestsOfTenant());
    }

    @Test
    void filtersFindUsersByEachSupportedAttributeAndPagesThroughThem() {
        String ann = create("ann", "ext-ann-" + tenant);
        String bob = create("bob", "ext-bob-" + tenant);
        String cid = create("cid", "ext-cid-" + tenant);
        scim().body(patch(op("replace", "active", false))).patch("/scim/v2/Users/" + cid).then().statusCode(200);

        scim().queryParam("filter", "userName eq \"ANN@" + domain.toUpperCase() + "\"").get("/scim/v2/Users").then().statusCode(200)
                .body("schemas", equalTo(List.of("urn:ietf:params:scim:api:messages:2.0:ListResponse")))
                .body("totalResults", equalTo(1)).body("Resources.id", equalTo(List.of(ann)));
        scim().queryParam("filter", "emails.value eq \"bob@" + domain + "\"").get("/scim/v2/Users").then().body("Resources.id", equalTo(List.of(bob)));
        scim().queryParam("filter", "externalId eq \"ext-cid-" + tenant + "\"").get("/scim/v2/Users").then().body("Resources.id", equalTo(List.of(cid)))
                .body("Resources[0].active", equalTo(false));
        // externalId is case-exact
        scim().queryParam("filter", "externalId eq \"EXT-CID-" + tenant + "\"").get("/scim/v2/Users").then().body("totalResults", equalTo(0));
        scim().queryParam("filter", "urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"bob@" + domain + "\" and active eq true")
                .get("/scim/v2/Users").then().body("Resources.id", equalTo(List.of(bob)));
        scim().queryParam("filter", "userName eq \"cid@" + domain + "\" AND active eq true").get("/scim/v2/Users").then().body("totalResults", equalTo(0));
        scim().queryParam("filter", "id eq \"" + ann + "\"").get("/scim/v2/Users").then().body("Resources.id", equalTo(List.of(ann)));

        // paging: the whole set in pages of two, 1-based
        List<String> all = new ArrayList<>();
        for (int start = 1; start <= 3; start += 2) {
            List<String> page = scim().queryParam("startIndex", start).queryParam("count", 2).get("/scim/v2/Users").then().statusCode(200)
                    .body("startIndex", equalTo(start)).extract().path("Resources.id");
            all.addAll(page);
        }
        int total = scim().queryParam("count", 0).get("/scim/v2/Users").then().body("itemsPerPage", equalTo(0)).extract().path("totalResults");
        assertEquals(Math.min(4, total), all.size());
        assertEquals(all.size(), all.stream().distinct().count());

        scimError(scim().queryParam("filter", "userName co \"ann\"").get("/scim/v2/Users").then(), 400, "invalidFilter", "operator 'co'");
        scimError(scim().queryParam("filter", "userName eq \"a@b.c\" or active eq true").get("/scim/v2/Users").then(), 400, "invalidFilter", "'or'");
        scimError(scim().queryParam("filter", "title eq \"boss\"").get("/scim/v2/Users").then(), 400, "invalidFilter", "title");
        scimError(scim().queryParam("filter", "userName eq \"unclosed").get("/scim/v2/Users").then(), 400, "invalidFilter", "not closed");
        scimError(scim().queryParam("count", "many").get("/scim/v2/Users").then(), 400, "invalidValue", "count");
    }

    @Test
    void aReplaceChangesAddressNameSponsorsAndExternalIdWithGuestUpdated() {
        String id = create("ann", "ext-ann-" + tenant);
        Map<String, Object> replaced = user("ann.new", "ext-ann2-" + tenant, List.of("one@example.com", "two@example.com"));
        replaced.put("displayName", "Ann Newname");
        replaced.put(GUEST, Map.of("homeTenantId", tenant, "homeSubject", "sub-ann", "sponsors", List.of("one@example.com", "two@example.com")));

        scim().body(replaced).put("/scim/v2/Users/" + id).then().statusCode(200).body("userName", equalTo("ann.new@" + domain))
                .body("displayName", equalTo("Ann Newname")).body("externalId", equalTo("ext-ann2-" + tenant))
                .body("'" + GUEST + "'.sponsors", equalTo(List.of("one@example.com", "two@example.com")));

        api.as(TestTokens.admin()).get("/api/v1/guests/" + id).then().body("email", equalTo("ann.new@" + domain))
                .body("sponsors", org.hamcrest.Matchers.containsInAnyOrder("one@example.com", "two@example.com"));
        GuestUpdated updated = EventJson.read(guestEvents(id, EventType.GUEST_UPDATED, 1).get(0).value(), GuestUpdated.class);
        assertEquals(List.of("email", "displayName", "sponsors"), updated.changed());
        assertEquals("ann.new@" + domain, updated.email());
        assertEquals("SCIM", updated.reason());

        // the same body again changes nothing, and says nothing
        scim().body(replaced).put("/scim/v2/Users/" + id).then().statusCode(200);
        Map<String, Object> otherTenant = user("ann.new", "ext-ann2-" + tenant, List.of("one@example.com"));
        otherTenant.put(GUEST, Map.of("homeTenantId", "another-tenant", "sponsors", List.of("one@example.com")));
        scimError(scim().body(otherTenant).put("/scim/v2/Users/" + id).then(), 400, "mutability", "homeTenantId");
        Map<String, Object> foreignDomain = new LinkedHashMap<>(replaced);
        foreignDomain.remove("emails");
        String otherPartnerDomain = "o" + tenant + ".example";
        api.createPartner("other-" + tenant, otherPartnerDomain);
        foreignDomain.put("userName", "ann@" + otherPartnerDomain);
        scimError(scim().body(foreignDomain).put("/scim/v2/Users/" + id).then(), 400, "invalidValue", "userName its domain");
        guestEvents(id, EventType.GUEST_UPDATED, 1);
    }

    @Test
    void deactivatingBlocksAndRevokesAndReactivatingLiftsOnlyTheBlockSCIMMade() {
        List<String> resources = api.twoResources();
        String id = create("ann", null);
        api.grant(id, resources.get(0), "reader");
        api.grant(id, resources.get(1), "writer");

        // Entra sends booleans as strings, capitalised
        scim().body(patch(op("Replace", "active", "False"))).patch("/scim/v2/Users/" + id).then().statusCode(200).body("active", equalTo(false))
                .body("'" + GUEST + "'.state", equalTo("BLOCKED"));
        assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(id));
        GuestBlocked blocked = EventJson.read(guestEvents(id, EventType.GUEST_BLOCKED, 1).get(0).value(), GuestBlocked.class);
        assertEquals("SCIM", blocked.reason());
        assertEquals(2, blocked.revokedGrants().size());

        scim().body(patch(op("replace", null, Map.of("active", true)))).patch("/scim/v2/Users/" + id).then().statusCode(200)
                .body("active", equalTo(true)).body("'" + GUEST + "'.state", equalTo("INVITED"));
        guestEvents(id, EventType.GUEST_UNBLOCKED, 1);
        assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(id)); // revoked grants stay revoked

        // an admin's block is not SCIM's to lift: active true leaves it, and says so by the active it returns
        api.as(TestTokens.admin()).body(Map.of("reason", "investigation")).post("/api/v1/guests/" + id + "/block").then().statusCode(200);
        scim().body(patch(op("replace", "active", true))).patch("/scim/v2/Users/" + id).then().statusCode(200).body("active", equalTo(false));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + id).then().body("state", equalTo("BLOCKED")).body("blockedReason", equalTo("ADMIN"));
        guestEvents(id, EventType.GUEST_UNBLOCKED, 1);
    }

    @Test
    void patchOperationsChangeWhatTheyNameAndABadOneChangesNothing() {
        String id = create("ann", "ext-" + tenant);

        scim().body(patch(op("add", GUEST + ":sponsors", List.of("two@example.com")), op("replace", "displayName", "Ann Patched"),
                op("remove", "externalId", null))).patch("/scim/v2/Users/" + id).then().statusCode(200)
                .body("'" + GUEST + "'.sponsors", equalTo(List.of("sponsor@example.com", "two@example.com")))
                .body("displayName", equalTo("Ann Patched")).body("externalId", nullValue());
        scim().body(patch(op("remove", GUEST + ":sponsors[value eq \"sponsor@example.com\"]", null))).patch("/scim/v2/Users/" + id).then()
                .statusCode(200).body("'" + GUEST + "'.sponsors", equalTo(List.of("two@example.com")));
        scim().body(patch(op("replace", "emails[type eq \"work\"].value", "ann.moved@" + domain))).patch("/scim/v2/Users/" + id).then()
                .statusCode(200).body("userName", equalTo("ann.moved@" + domain));

        // a batch with one bad operation changes nothing of what came before it
        scimError(scim().body(patch(op("replace", "displayName", "Not Applied"), op("replace", "nickName", "x"))).patch("/scim/v2/Users/" + id)
                .then(), 400, "invalidPath", "nickName");
        scimError(scim().body(patch(op("remove", GUEST + ":sponsors[value eq \"two@example.com\"]", null))).patch("/scim/v2/Users/" + id).then(),
                400, "invalidValue", GUEST + ":sponsors");
        scimError(scim().body(patch(op("replace", GUEST + ":homeTenantId", "elsewhere"))).patch("/scim/v2/Users/" + id).then(), 400, "mutability",
                "homeTenantId");
        scimError(scim().body(patch(op("remove", "userName", null))).patch("/scim/v2/Users/" + id).then(), 400, "mutability", "userName");
        scimError(scim().body(patch(op("move", "displayName", "x"))).patch("/scim/v2/Users/" + id).then(), 400, "invalidSyntax", "op must be");
        scimError(scim().body(Map.of("Operations", List.of(op("replace", "displayName", "x")))).patch("/scim/v2/Users/" + id).then(), 400,
                "invalidSyntax", "PatchOp");
        scim().get("/scim/v2/Users/" + id).then().body("displayName", equalTo("Ann Patched"))
                .body("'" + GUEST + "'.sponsors", equalTo(List.of("two@example.com")));
        assertEquals(3, guestEvents(id, EventType.GUEST_UPDATED, 3).size());
    }

    @Test
    void deleteRemovesTheGuestAndTheSameUserMayBeProvisionedAgain() {
        List<String> resources = api.twoResources();
        String id = create("ann", "ext-" + tenant);
        api.grant(id, resources.get(0), "reader");

        scim().delete("/scim/v2/Users/" + id).then().statusCode(204);

        assertEquals(List.of("REVOKED"), api.grantStates(id));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + id).then().body("state", equalTo("REMOVED"));
        GuestRemoved removed = EventJson.read(guestEvents(id, EventType.GUEST_REMOVED, 1).get(0).value(), GuestRemoved.class);
        assertEquals("SCIM", removed.reason());
        scimError(scim().get("/scim/v2/Users/" + id).then(), 404, null, id);
        scimError(scim().delete("/scim/v2/Users/" + id).then(), 404, null, id);
        scimError(scim().body(patch(op("replace", "active", false))).patch("/scim/v2/Users/" + id).then(), 404, null, id);
        scim().queryParam("filter", "externalId eq \"ext-" + tenant + "\"").get("/scim/v2/Users").then().body("totalResults", equalTo(0));

        String again = create("ann", "ext-" + tenant);
        scim().queryParam("filter", "externalId eq \"ext-" + tenant + "\"").get("/scim/v2/Users").then().body("Resources.id", equalTo(List.of(again)));
        scimError(scim().get("/scim/v2/Users/not-a-uuid").then(), 404, null, "not-a-uuid");
    }

    /** What Entra's and Okta's provisioning ask of a read: attributes, excludedAttributes (members, which a User lacks), sorting, a page past the end. */
    @Test
    void readsAreShapedSortedAndPagedAsProvisioningClientsAskThem() {
        String ann = create("ann", "ext-ann-" + tenant);
        String filter = "userName eq \"ann@" + domain + "\"";

        scim().queryParam("filter", filter).queryParam("excludedAttributes", "members").get("/scim/v2/Users").then().statusCode(200)
                .body("Resources[0].userName", equalTo("ann@" + domain)).body("Resources[0].meta.version", org.hamcrest.Matchers.startsWith("W/\""));
        scim().queryParam("filter", filter).queryParam("attributes", "userName").get("/scim/v2/Users").then().statusCode(200)
                .body("Resources[0].keySet()", equalTo(java.util.Set.of("schemas", "id", "userName")));
        scim().queryParam("attributes", "emails.value," + GUEST + ":sponsors").get("/scim/v2/Users/" + ann).then().statusCode(200)
                .body("keySet()", equalTo(java.util.Set.of("schemas", "id", "emails", GUEST)))
                .body("emails", equalTo(List.of(Map.of("value", "ann@" + domain))))
                .body("'" + GUEST + "'", equalTo(Map.of("sponsors", List.of("sponsor@example.com"))));
        scim().queryParam("attributes", USER + ":DisplayName").get("/scim/v2/Users/" + ann).then().statusCode(200)
                .body("keySet()", equalTo(java.util.Set.of("schemas", "id", "displayName")));
        scim().queryParam("excludedAttributes", "emails,meta," + GUEST + ",id").get("/scim/v2/Users/" + ann).then().statusCode(200)
                .body("id", equalTo(ann)).body("userName", equalTo("ann@" + domain)).body("emails", nullValue()).body("meta", nullValue())
                .body("'" + GUEST + "'", nullValue());
        // what a change returns is shaped too
        scim().queryParam("attributes", "displayName").body(patch(op("Replace", "displayName", "Ann Shaped"))).patch("/scim/v2/Users/" + ann)
                .then().statusCode(200).body("keySet()", equalTo(java.util.Set.of("schemas", "id", "displayName")));

        // past the end: the total, and nothing in the page
        int total = scim().queryParam("count", 0).get("/scim/v2/Users").then().extract().path("totalResults");
        scim().queryParam("startIndex", total + 10).queryParam("count", 5).get("/scim/v2/Users").then().statusCode(200)
                .body("totalResults", equalTo(total)).body("startIndex", equalTo(total + 10)).body("itemsPerPage", equalTo(0))
                .body("Resources", equalTo(List.of()));

        // sortBy userName, either way: our three users in that order, whatever else the table holds
        create("cid", null);
        create("bob", null);
        List<String> mine = List.of("ann@" + domain, "bob@" + domain, "cid@" + domain);
        for (String order : List.of("ascending", "descending")) {
            List<String> names = scim().queryParam("sortBy", "userName").queryParam("sortOrder", order).queryParam("count", 1000)
                    .queryParam("attributes", "userName").get("/scim/v2/Users").then().statusCode(200).extract().path("Resources.userName");
            List<String> sorted = new ArrayList<>(names);
            sorted.sort(order.equals("ascending") ? String.CASE_INSENSITIVE_ORDER : String.CASE_INSENSITIVE_ORDER.reversed());
            assertEquals(sorted, names, order);
            if (total + 3 <= 1000) {
                List<String> ours = names.stream().filter(mine::contains).toList();
                assertEquals(order.equals("ascending") ? mine : List.of(mine.get(2), mine.get(1), mine.get(0)), ours, order);
            }
        }
        scimError(scim().queryParam("sortBy", "title").get("/scim/v2/Users").then(), 400, "invalidValue", "sortBy");
        scimError(scim().queryParam("sortBy", "userName").queryParam("sortOrder", "up").get("/scim/v2/Users").then(), 400, "invalidValue", "sortOrder");
    }

    /** The user's version is its ETag: a change made against a stale one is a 412 and changes nothing. */
    @Test
    void aChangeAgainstAStaleVersionIsRefusedAndChangesNothing() {
        String id = create("ann", null);
        String first = scim().get("/scim/v2/Users/" + id).then().statusCode(200).extract().header("ETag");
        scim().get("/scim/v2/Users/" + id).then().body("meta.version", equalTo(first));
        scim().header("If-None-Match", first).get("/scim/v2/Users/" + id).then().statusCode(304);

        String second = scim().header("If-Match", first).body(patch(op("replace", "displayName", "Ann Two"))).patch("/scim/v2/Users/" + id)
                .then().statusCode(200).body("meta.version", org.hamcrest.Matchers.not(equalTo(first))).extract().header("ETag");
        scimError(scim().header("If-Match", first).body(patch(op("replace", "displayName", "Ann Stale"))).patch("/scim/v2/Users/" + id).then(),
                412, null, "read it again");
        scimError(scim().header("If-Match", first).body(user("ann", null, List.of("sponsor@example.com"))).put("/scim/v2/Users/" + id).then(),
                412, null, "If-Match");
        scimError(scim().header("If-Match", first).delete("/scim/v2/Users/" + id).then(), 412, null, "If-Match");
        scim().get("/scim/v2/Users/" + id).then().statusCode(200).body("displayName", equalTo("Ann Two")).header("ETag", equalTo(second));
        guestEvents(id, EventType.GUEST_UPDATED, 1);

        scim().header("If-Match", "*").body(patch(op("replace", "displayName", "Ann Three"))).patch("/scim/v2/Users/" + id).then().statusCode(200);
        scim().header("If-Match", scim().get("/scim/v2/Users/" + id).then().extract().header("ETag")).delete("/scim/v2/Users/" + id).then()
                .statusCode(204);
    }

    /** Entra's soft delete: active false (a block, the grants revoked), later a DELETE (the removal), each once in the audit trail. */
    @Test
    void entrasSoftDeleteThenDeleteLeavesOneBlockOneRemovalAndEachRevocationOnceInTheAuditTrail() {
        List<String> resources = api.twoResources();
        String id = create("ann", "ext-ann-" + tenant);
        api.grant(id, resources.get(0), "reader");
        api.grant(id, resources.get(1), "writer");

        scim().body(patch(op("Replace", "active", "False"))).patch("/scim/v2/Users/" + id).then().statusCode(200).body("active", equalTo(false));
        // Entra repeats itself: the same deactivation again changes nothing
        scim().body(patch(op("Replace", "active", "False"))).patch("/scim/v2/Users/" + id).then().statusCode(200);
        scim().delete("/scim/v2/Users/" + id).then().statusCode(204);

        io.restassured.path.json.JsonPath trail = api.as(TestTokens.auditor()).queryParam("guestId", id).get("/api/v1/audit").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of("GUEST_INVITED", "GRANT_CREATED", "GRANT_CREATED", "GRANT_REVOKED", "GRANT_REVOKED", "GUEST_BLOCKED", "GUEST_REMOVED"),
                trail.getList("items.action"));
        assertEquals(List.of("SCIM", "SCIM"), trail.getList("items.findAll { it.action in ['GUEST_BLOCKED', 'GUEST_REMOVED'] }.reason"));
        api.as(TestTokens.auditor()).get("/api/v1/audit/verify").then().statusCode(200).body("intact", equalTo(true));
        guestEvents(id, EventType.GUEST_BLOCKED, 1);
        guestEvents(id, EventType.GUEST_REMOVED, 1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void discoveryDescribesWhatIsSupported() {
        // what it says it supports, the tests above use: patch, filter, sort, etag; and it says no to what it does not do
        scim().get("/scim/v2/ServiceProviderConfig").then().statusCode(200).contentType(SCIM_JSON).body("patch.supported", equalTo(true))
                .body("sort.supported", equalTo(true)).body("etag.supported", equalTo(true)).body("changePassword.supported", equalTo(false))
                .body("filter.supported", equalTo(true)).body("filter.maxResults", equalTo(1000)).body("bulk.supported", equalTo(false))
                .body("authenticationSchemes[0].type", equalTo("oauthbearertoken"));
        scim().get("/scim/v2/ResourceTypes").then().statusCode(200).body("Resources[0].endpoint", equalTo("/Users"))
                .body("Resources[0].schemaExtensions[0].schema", equalTo(GUEST));
        scim().get("/scim/v2/ResourceTypes/User").then().statusCode(200).body("schema", equalTo(USER));
        scim().get("/scim/v2/Schemas").then().statusCode(200).body("totalResults", equalTo(2)).body("Resources.id", equalTo(List.of(USER, GUEST)));
        scim().get("/scim/v2/Schemas/" + GUEST).then().statusCode(200)
                .body("attributes.find { it.name == 'homeTenantId' }.mutability", equalTo("immutable"));
        scimError(scim().get("/scim/v2/ResourceTypes/Group").then(), 404, null, "Group");
        // the schemas describe exactly what a user reads back (beside the common id, externalId and meta, RFC 7643 §3.1)
        String id = create("described", "ext-described-" + tenant);
        Map<String, Object> read = scim().get("/scim/v2/Users/" + id).then().statusCode(200).extract().as(Map.class);
        Map<String, Object> extension = (Map<String, Object>) read.get(GUEST);
        List<String> described = scim().get("/scim/v2/Schemas/" + USER).then().extract().path("attributes.name");
        List<String> coreRead = read.keySet().stream().filter(k -> !List.of("schemas", "id", "externalId", "meta", GUEST).contains(k)).toList();
        assertEquals(new java.util.TreeSet<>(described), new java.util.TreeSet<>(coreRead));
        assertEquals(new java.util.TreeSet<>(scim().get("/scim/v2/Schemas/" + USER).then().extract().<List<String>>path(
                "attributes.find { it.name == 'emails' }.subAttributes.name")), new java.util.TreeSet<>(((List<Map<String, Object>>) read.get("emails")).get(0).keySet()));
        assertEquals(new java.util.TreeSet<>(scim().get("/scim/v2/Schemas/" + GUEST).then().extract().<List<String>>path("attributes.name")),
                new java.util.TreeSet<>(extension.keySet()));
        assertEquals(List.of("resourceType", "created", "lastModified", "location", "version"), List.copyOf(((Map<String, Object>) read.get("meta")).keySet()));
        // a provisioning client's token opens SCIM and nothing else
        api.as(TestTokens.scim()).get("/api/v1/guests").then().statusCode(403);
        // and SCIM refuses others in its own error format, as a provisioning client reads it
        scimError(given().baseUri(baseUrl.toString()).get("/scim/v2/Users").then(), 401, null, "bearer token");
        scimError(given().baseUri(baseUrl.toString()).auth().oauth2(TestTokens.admin()).get("/scim/v2/Users").then(), 403, null, "roles");
    }
}
