package dev.portcullis.testsupport;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * inventory-service's public REST API as a test calls it: the same client for a {@code @QuarkusTest}
 * and for the end-to-end tests against the running platform.
 */
public final class InventoryApi {

    private final String baseUri;
    private final Supplier<String> adminToken;
    private final Supplier<String> signalToken;

    public InventoryApi(String baseUri, Supplier<String> adminToken, Supplier<String> signalToken) {
        this.baseUri = baseUri;
        this.adminToken = adminToken;
        this.signalToken = signalToken;
    }

    public RequestSpecification as(String token) {
        RequestSpecification spec = given().baseUri(baseUri).contentType(ContentType.JSON);
        return token == null ? spec : spec.auth().oauth2(token);
    }

    /**
     * A partner whose signals the platform's signal client ({@link TestTokens#SIGNAL_CLIENT}, over REST) and its Kafka
     * connector ({@link TestTokens#SIGNAL_CONNECTOR}) may send.
     */
    public String createPartner(String tenantId, String domain) {
        return as(adminToken.get()).body(Map.of("name", "Partner " + tenantId, "tenantId", tenantId, "domains", List.of(domain),
                        "signalClients", List.of(TestTokens.SIGNAL_CLIENT,
                                dev.portcullis.events.Topic.PartnerSignalConnectors.signalClient(TestTokens.SIGNAL_CONNECTOR))))
                .post("/api/v1/partners").then().statusCode(201).extract().path("id");
    }

    public String createResource(String name, String sensitivity, List<String> owners) {
        return as(adminToken.get()).body(Map.of("name", name, "type", "APPLICATION", "sensitivity", sensitivity, "owners", owners))
                .post("/api/v1/resources").then().statusCode(201).extract().path("id");
    }

    public String inviteGuest(String email, String homeTenantId, String homeSubject, List<String> sponsors) {
        return as(adminToken.get()).body(Map.of("email", email, "displayName", email.substring(0, email.indexOf('@')),
                        "homeTenantId", homeTenantId, "homeSubject", homeSubject, "sponsors", sponsors))
                .post("/api/v1/guests").then().statusCode(201).extract().path("id");
    }

    public String grant(String guestId, String resourceId, String role) {
        return as(adminToken.get()).body(Map.of("guestId", guestId, "resourceId", resourceId, "role", role, "justification", "project work"))
                .post("/api/v1/grants").then().statusCode(201).extract().path("id");
    }

    public Response postSignal(String type, String homeTenantId, String homeSubject, Instant occurredAt) {
        return as(signalToken.get()).body(Map.of("type", type, "homeTenantId", homeTenantId, "homeSubject", homeSubject,
                "occurredAt", occurredAt.toString())).post("/api/v1/partner-signals");
    }

    /** The states of the guest's grants, e.g. {@code [REVOKED, REVOKED]}. */
    public List<String> grantStates(String guestId) {
        return as(adminToken.get()).queryParam("guestId", guestId).queryParam("limit", 500).get("/api/v1/grants")
                .then().statusCode(200).extract().path("items.state");
    }

    /** Two fresh resources (resource names are unique), owned by owner1@ and owner2@example.com. */
    public List<String> twoResources() {
        String suffix = Long.toHexString(System.nanoTime());
        return List.of(createResource("CRM " + suffix, "CONFIDENTIAL", List.of("owner1@example.com")),
                createResource("Wiki " + suffix, "GENERAL", List.of("owner2@example.com")));
    }

    /** A fresh guest on a fresh partner holding {@code grants} grants spread over {@code resources.size()} resources. */
    public Guest guestWithGrants(List<String> resourceIds, int grants, String sponsor) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "tenant-" + suffix;
        String subject = "sub-" + suffix;
        createPartner(tenant, "p" + suffix + ".com");
        String guestId = inviteGuest("guest-" + suffix + "@p" + suffix + ".com", tenant, subject, List.of(sponsor));
        for (int i = 0; i < grants; i++) {
            grant(guestId, resourceIds.get(i % resourceIds.size()), "role-" + i);
        }
        return new Guest(guestId, tenant, subject);
    }

    public record Guest(String id, String homeTenantId, String homeSubject) {
    }
}
