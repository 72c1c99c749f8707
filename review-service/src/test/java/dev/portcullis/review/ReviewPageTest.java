package dev.portcullis.review;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The review page and the partner's request page are reached in a browser: without a session they send
 * the person to the realm's login page as the portcullis-review-page client, and an API bearer token does
 * not open them. The pages themselves, signed in through Keycloak, are tested in headless Chromium (e2e
 * ReviewPageBrowserTest).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ReviewPageTest {

    @Test
    void withoutASessionTheReviewerIsSentToTheRealmsLoginPageAsTheReviewPageClient() {
        given().redirects().follow(false).get("/reviews?campaign=6f1c3f0e-7d1a-4d0e-9a51-0d7e8f7f3a10").then().statusCode(302)
                .header("Location", startsWith(ConfigProvider.getConfig().getValue("keycloak.url", String.class) + "/realms/quarkus?"))
                .header("Location", containsString("client_id=portcullis-review-page"))
                .header("Location", containsString("response_type=code"))
                .header("Location", containsString("scope=openid"));
    }

    @Test
    void thePartnersRequestPageSignsInTheSameWayAndAFormPostWithoutASessionChangesNothing() {
        given().redirects().follow(false).get("/requests").then().statusCode(302)
                .header("Location", containsString("client_id=portcullis-review-page"));
        given().redirects().follow(false).auth().oauth2(TestTokens.guest("pat@partner.example")).get("/requests").then().statusCode(302);
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded").formParam("justification", "please")
                .post("/requests/packages/6f1c3f0e-7d1a-4d0e-9a51-0d7e8f7f3a10").then().statusCode(302);
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .post("/requests/6f1c3f0e-7d1a-4d0e-9a51-0d7e8f7f3a10/cancel").then().statusCode(302);
    }

    @Test
    void anApiTokenDoesNotOpenThePageAndAFormPostWithoutASessionChangesNothing() {
        given().redirects().follow(false).auth().oauth2(TestTokens.withRole("admin@corp.example", TestTokens.ADMIN)).get("/reviews").then().statusCode(302);
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded").formParam("decision", "APPROVE")
                .post("/reviews/items/6f1c3f0e-7d1a-4d0e-9a51-0d7e8f7f3a10").then().statusCode(302);
    }
}
