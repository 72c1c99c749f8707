package dev.portcullis.review.bench;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.portcullis.events.EventType;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Starting a campaign over 100,000 items with 1,000 reviewers, on review-service's real PostgreSQL and
 * Kafka: the read model seeded by SQL (20,000 guests with 5 grants each over 1,000 resources, one owner
 * each), then the time from the start request until every item is stored (the answer) and until every
 * reviewer-assigned event is on Kafka.
 * <p>
 * Run: {@code ./mvnw -o -pl review-service test -Dtest=ReviewBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * (not part of the test run).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ReviewBenchmark {

    private static final int GUESTS = 20_000;
    private static final int GRANTS_PER_GUEST = 5;
    private static final int RESOURCES = 1_000;

    @Inject
    EntityManager em;

    @Test
    void run() {
        long seeding = System.nanoTime();
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("insert into rm_resource (resource_id, name, sensitivity, updated_at) select md5('r' || i)::uuid, 'app ' || i,"
                    + " 'CONFIDENTIAL', now() from generate_series(0, " + (RESOURCES - 1) + ") i").executeUpdate();
            em.createNativeQuery("insert into rm_resource_owner (resource_id, email) select md5('r' || i)::uuid, 'owner-' || i || '@corp.example'"
                    + " from generate_series(0, " + (RESOURCES - 1) + ") i").executeUpdate();
            em.createNativeQuery("insert into rm_guest (guest_id, email, partner_id, state, invited_at, last_sign_in_at, updated_at)"
                    + " select md5('g' || i)::uuid, 'guest-' || i || '@partner.example', md5('p' || (i % 10))::uuid, 'ACTIVE',"
                    + " now() - interval '400 days', now() - (i % 90) * interval '1 day', now() from generate_series(0, " + (GUESTS - 1) + ") i")
                    .executeUpdate();
            em.createNativeQuery("insert into rm_guest_sponsor (guest_id, email) select md5('g' || i)::uuid, 'sponsor-' || (i % 500) || '@corp.example'"
                    + " from generate_series(0, " + (GUESTS - 1) + ") i").executeUpdate();
            em.createNativeQuery("insert into rm_grant (grant_id, guest_id, resource_id, role, state, updated_at)"
                    + " select md5('x' || i || '-' || k)::uuid, md5('g' || i)::uuid, md5('r' || ((i * " + GRANTS_PER_GUEST + " + k) % " + RESOURCES
                    + "))::uuid, 'reader', 'ACTIVE', now() from generate_series(0, " + (GUESTS - 1) + ") i, generate_series(0, "
                    + (GRANTS_PER_GUEST - 1) + ") k").executeUpdate();
        });
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("analyze").executeUpdate());
        System.out.printf("seeded %,d guests, %,d grants, %,d resources in %d ms%n", GUESTS, GUESTS * GRANTS_PER_GUEST, RESOURCES,
                (System.nanoTime() - seeding) / 1_000_000);

        String definition = given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(Map.of("name", "Benchmark review",
                "reviewers", "RESOURCE_OWNERS", "fallbackReviewers", List.of("iam@corp.example"), "recurrence", "ONCE", "durationDays", 14))
                .post("/api/v1/review-definitions").then().statusCode(201).extract().path("id");
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        long start = System.nanoTime();
        String campaign = given().auth().oauth2(TestTokens.admin()).post("/api/v1/review-definitions/" + definition + "/campaigns").then()
                .statusCode(201).extract().path("id");
        long stored = System.nanoTime();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> kafka.readAll(Topic.REVIEW_CAMPAIGNS.topicName(),
                r -> campaign.equals(r.key()) && EventType.REVIEWER_ASSIGNED.ceType().equals(KafkaTestClient.header(r, "ce_type"))).size() == RESOURCES);
        long onKafka = System.nanoTime();
        long items = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery("select count(*) from review_item where campaign_id = cast(:c as uuid)")
                .setParameter("c", campaign).getSingleResult()).longValue());
        System.out.printf("campaign over %,d items and %,d reviewers: every item stored in %d ms (the start request), every reviewer-assigned on Kafka"
                + " after %d ms%n", items, RESOURCES, (stored - start) / 1_000_000, (onKafka - start) / 1_000_000);
    }
}
