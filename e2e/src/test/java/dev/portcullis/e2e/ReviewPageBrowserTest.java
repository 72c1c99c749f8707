package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.InventoryApi;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The review page as a business owner uses it, in Debian's headless Chromium: the link of their digest
 * sends them to Keycloak's own login page, and back on the page they see their items by guest with what
 * they need to decide, deny one with a justification, accept the recommendations for the rest, and
 * every decision is what review-service's API then says; an approver decides an access request on
 * the same page; and a partner's person asks for a package on their own page, and cancels it.
 */
@ExtendWith(Platform.class)
class ReviewPageBrowserTest {

    private Browser page;
    private WebDriver browser;

    @BeforeEach
    void openBrowser() throws Exception {
        page = Browser.open();
        browser = page.driver;
    }

    @AfterEach
    void closeBrowser() {
        if (page != null) {
            page.close();
        }
    }

    @Test
    void anOwnerLogsInThroughKeycloakSeesTheirItemsByGuestDecidesAndTheApiRecordsIt() throws Exception {
        Platform platform = Platform.get();
        InventoryApi inventory = platform.inventory();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String domain = "page-" + run + ".example";
        String partner = inventory.createPartner("tenant-" + run, domain);
        String crm = inventory.createResource("CRM " + run, "CONFIDENTIAL", List.of("owner@example.com"));
        String payroll = inventory.createResource("Payroll " + run, "HIGHLY_CONFIDENTIAL", List.of("owner@example.com"));
        String ana = inventory.inviteGuest("ana@" + domain, "tenant-" + run, "ana-" + run, List.of("sponsor@example.com"));
        String ben = inventory.inviteGuest("ben@" + domain, "tenant-" + run, "ben-" + run, List.of("sponsor@example.com"));
        // Ben last signed in 45 days ago: the page recommends removing his access, and says why
        inventory.as(platform.userToken("admin")).body(Map.of("records", List.of(Map.of("guestId", ben, "at",
                Instant.now().minus(Duration.ofDays(45)).toString())))).post("/api/v1/sign-ins").then().statusCode(200);
        String anaCrm = inventory.grant(ana, crm, "reader");
        inventory.grant(ana, payroll, "reader");
        inventory.grant(ben, crm, "reader");

        Map<String, Object> definition = new HashMap<>(Map.of("name", "Partner access " + run, "scope", Map.of("partnerIds", List.of(partner)),
                "reviewers", "RESOURCE_OWNERS", "fallbackReviewers", List.of("iam-team@corp.example"), "recurrence", "ONCE", "durationDays", 14,
                "defaultDecision", "DENY", "justificationRequired", true));
        String definitionId = Reviews.as(platform, "admin").body(definition).post("/api/v1/review-definitions").then().statusCode(201)
                .extract().path("id");
        String campaign = Reviews.startWhen(platform, definitionId, items -> items.size() == 3
                && items.stream().filter(i -> "DENY".equals(i.get("recommendation"))).count() == 1);

        // the digest's link: Keycloak's own login page first
        browser.get(platform.endpoint("REVIEW_URL") + "/reviews?campaign=" + campaign);
        page.signIn("owner");

        // back on the page: signed in as the owner, their three items under the two guests
        page.until(ExpectedConditions.textToBe(By.id("reviewer"), "owner@example.com"));
        WebElement section = browser.findElement(By.cssSelector("[data-campaign='" + campaign + "']"));
        assertTrue(section.getText().contains("Partner access " + run), section.getText());
        assertEquals(List.of("ana@" + domain, "ben@" + domain), section.findElements(By.cssSelector(".guest h3")).stream()
                .map(WebElement::getText).sorted().toList());
        String benRow = row("ben@" + domain).getText();
        assertTrue(benRow.contains("Partner " + domain) && benRow.contains("last sign-in") && !benRow.contains("last sign-in never"), benRow);
        assertTrue(benRow.contains("CRM " + run) && benRow.contains("CONFIDENTIAL") && benRow.contains("DENY")
                && benRow.contains("no sign-in for 45 days"), benRow);
        String anaRow = row("ana@" + domain).getText();
        assertTrue(anaRow.contains("Payroll " + run) && anaRow.contains("HIGHLY_CONFIDENTIAL") && anaRow.contains("APPROVE"), anaRow);
        page.screenshot("review-page.png");

        // deny Ana's CRM access, with the justification this review requires
        String anaCrmItem = itemOfGrant(platform, campaign, anaCrm);
        WebElement item = browser.findElement(By.cssSelector("tr[data-item='" + anaCrmItem + "']"));
        item.findElement(By.name("justification")).sendKeys("project ended in October");
        item.findElement(By.cssSelector("button.deny")).click();
        page.until(ExpectedConditions.textToBe(By.cssSelector("tr[data-item='" + anaCrmItem + "'] .decision"), "DENY"));

        // the rest as recommended: Ana keeps Payroll, Ben loses CRM
        browser.findElement(By.cssSelector("form.accept textarea")).sendKeys("reviewed with the partner's manager");
        browser.findElement(By.id("accept-" + campaign)).click();
        page.until(ExpectedConditions.invisibilityOfElementLocated(By.id("accept-" + campaign)));

        // what the API says: each decision by the owner, with its justification
        Map<String, String> decisions = Reviews.items(platform, campaign).stream().collect(Collectors.toMap(i -> (String) i.get("guestEmail")
                + " " + i.get("resourceName"), i -> i.get("decision") + " by " + i.get("decidedBy") + ": " + i.get("justification")));
        assertEquals(Map.of(
                "ana@" + domain + " CRM " + run, "DENY by owner@example.com: project ended in October",
                "ana@" + domain + " Payroll " + run, "APPROVE by owner@example.com: reviewed with the partner's manager",
                "ben@" + domain + " CRM " + run, "DENY by owner@example.com: reviewed with the partner's manager"), decisions);
    }

    @Test
    void anApproverLogsInThroughKeycloakSeesARequestWithItsAnswersApprovesItAndInventoryDeliversIt() {
        Platform platform = Platform.get();
        InventoryApi inventory = platform.inventory();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String domain = "req-" + run + ".example";
        inventory.createPartner("tenant-" + run, domain);
        String scenario = SelfService.scenario(platform, "Falcon sales " + run);
        String crm = SelfService.resource(platform, scenario, "CRM " + run, "CONFIDENTIAL", "owner@example.com");
        // a ceiling the security team is only trying out: it refuses nothing, and the approver sees what it would say
        SelfService.policy(platform, scenario, "Trying a GENERAL ceiling " + run, "REPORT_ONLY",
                Map.of("type", "SENSITIVITY_CEILING", "maxSensitivity", "GENERAL"));
        Map<String, Object> pkg = Map.of("name", "Falcon sales " + run, "scenarioId", scenario, "owners", List.of("owner@example.com"),
                "resources", List.of(Map.of("resourceId", crm, "role", "reader")),
                "requestPolicy", Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "lifetimeDays", 90,
                        "approvalStages", List.of(Map.of("approvers", "RESOURCE_OWNERS", "fallbackApprovers", List.of("iam-team@corp.example"),
                                "deadlineDays", 7, "justificationRequired", true)),
                        "questions", List.of(Map.of("id", "manager", "text", "Who is your manager at the partner?"))));
        String packageId = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Reviews.as(platform, "admin").body(pkg)
                .post("/api/v1/access-packages").then().extract(), r -> r.statusCode() == 201).path("id");
        // an admin asks on behalf of a partner's person not yet a guest, once review-service knows the partner
        String requester = "nia@" + domain;
        String requestId = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Reviews.as(platform, "admin")
                .body(Map.of("packageId", packageId, "justification", "joins the Falcon sales team", "answers", Map.of("manager", "Olu Okafor"),
                        "requester", Map.of("email", requester, "displayName", "Nia Nakamura")))
                .post("/api/v1/access-requests").then().extract(), r -> r.statusCode() == 201).path("id");

        browser.get(platform.endpoint("REVIEW_URL") + "/reviews");
        page.signIn("owner");
        WebElement card = page.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-request='" + requestId + "']")));
        assertEquals(requester + " (Nia Nakamura)", card.findElement(By.cssSelector(".requester")).getText());
        assertEquals("Access request: Falcon sales " + run, card.findElement(By.tagName("h2")).getText());
        assertEquals("CRM " + run + " (CONFIDENTIAL) as reader", card.findElement(By.cssSelector(".resources")).getText());
        assertEquals("“joins the Falcon sales team”", card.findElement(By.cssSelector(".why")).getText());
        assertEquals("Who is your manager at the partner? Olu Okafor", card.findElement(By.cssSelector(".answer")).getText());
        assertEquals("CRM " + run + ": report-only (policy Trying a GENERAL ceiling " + run + "): would deny: the resource is CONFIDENTIAL,"
                + " above the ceiling of GENERAL", card.findElement(By.cssSelector(".policy-note.FINDING")).getText());
        page.screenshot("request-page.png");

        card.findElement(By.name("justification")).sendKeys("Olu confirmed the NDA");
        card.findElement(By.cssSelector("button.approve")).click();
        page.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("[data-request='" + requestId + "']")));

        // the API: approved by the owner with the justification, then delivered by inventory-service (Nia is a guest now)
        Reviews.as(platform, "admin").get("/api/v1/access-requests/" + requestId).then().statusCode(200)
                .body("decisions[0].decidedBy", org.hamcrest.Matchers.equalTo("owner@example.com"))
                .body("decisions[0].justification", org.hamcrest.Matchers.equalTo("Olu confirmed the NDA"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Reviews.as(platform, "admin")
                .get("/api/v1/access-requests/" + requestId).then().extract().path("state"), org.hamcrest.Matchers.equalTo("DELIVERED"));
    }

    /**
     * The second stage of a delegated package is a named approver who owns nothing (here the admin's address): their card shows no
     * refusal, because delivery acts with the package's authority (each resource as whoever offered it), and the approval they give
     * on the page is delivered, as the card said.
     */
    @Test
    void aNamedApproverWhoOwnsNothingSeesTheAnswerDeliveryGetsOnTheCardAndTheirApprovalIsDelivered() {
        Platform platform = Platform.get();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String domain = "named-" + run + ".example";
        platform.inventory().createPartner("tenant-" + run, domain);
        String scenario = SelfService.scenario(platform, "Kestrel delegated " + run, "DELEGATED");
        String crm = SelfService.resource(platform, scenario, "CRM " + run, "CONFIDENTIAL", "owner@example.com");
        String wiki = SelfService.resource(platform, scenario, "Wiki " + run, "GENERAL", "owner@example.com");
        Map<String, Object> pkg = new HashMap<>(Map.of("name", "Kestrel " + run, "scenarioId", scenario, "owners", List.of("owner@example.com"),
                "resources", List.of(Map.of("resourceId", crm, "role", "reader")),
                "requestPolicy", Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "lifetimeDays", 30,
                        "approvalStages", List.of(Map.of("approvers", "PACKAGE_OWNERS", "deadlineDays", 7),
                                Map.of("approvers", "NAMED", "namedApprovers", List.of("admin@example.com"), "deadlineDays", 3)))));
        String packageId = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Reviews.as(platform, "admin").body(pkg)
                .post("/api/v1/access-packages").then().extract(), r -> r.statusCode() == 201).path("id");
        // the owner adds their wiki: offered as its owner
        pkg.put("resources", List.of(Map.of("resourceId", crm, "role", "reader"), Map.of("resourceId", wiki, "role", "reader")));
        // (once review-service's read model holds the wiki, announced a moment ago: until then the change is a 400 naming it)
        assertEquals(200, org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Reviews.as(platform, "owner").body(pkg)
                .put("/api/v1/access-packages/" + packageId).then().extract(), r -> r.statusCode() != 400).statusCode());
        String requester = "kai@" + domain;
        String requestId = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Reviews.as(platform, "admin")
                .body(Map.of("packageId", packageId, "justification", "Kestrel launch", "requester", Map.of("email", requester, "displayName", "Kai")))
                .post("/api/v1/access-requests").then().extract(), r -> r.statusCode() == 201).path("id");
        Reviews.as(platform, "owner").body(Map.of("decision", "APPROVE")).post("/api/v1/access-requests/" + requestId + "/decision").then()
                .statusCode(200).body("stage", org.hamcrest.Matchers.equalTo(2));

        browser.get(platform.endpoint("REVIEW_URL") + "/reviews");
        page.signIn("admin");
        WebElement card = page.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-request='" + requestId + "']")));
        assertEquals(List.of(), card.findElements(By.cssSelector(".policy-note.DENY")).stream().map(WebElement::getText).toList(),
                "the card says delivery would be refused");
        card.findElement(By.cssSelector("button.approve")).click();
        page.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("[data-request='" + requestId + "']")));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Reviews.as(platform, "admin")
                .get("/api/v1/access-requests/" + requestId).then().extract().path("state"), org.hamcrest.Matchers.equalTo("DELIVERED"));
    }

    @Test
    void aPartnersPersonLogsInThroughKeycloakAsksForAPackageOnTheirOwnPageFollowsItAndCancelsIt() {
        Platform platform = Platform.get();
        String run = UUID.randomUUID().toString().substring(0, 8);
        SelfService.partnerExampleConnected(platform);
        String scenario = SelfService.scenario(platform, "Osprey " + run);
        String wiki = SelfService.resource(platform, scenario, "Wiki " + run, "GENERAL", "owner@example.com");
        Map<String, Object> pkg = Map.of("name", "Osprey " + run, "scenarioId", scenario, "owners", List.of("owner@example.com"),
                "resources", List.of(Map.of("resourceId", wiki, "role", "editor")),
                "requestPolicy", Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "lifetimeDays", 60,
                        "approvalStages", List.of(Map.of("approvers", "PACKAGE_OWNERS", "deadlineDays", 7)),
                        "questions", List.of(Map.of("id", "project", "text", "Which project?"))));
        String packageId = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Reviews.as(platform, "admin").body(pkg)
                .post("/api/v1/access-packages").then().extract(), r -> r.statusCode() == 201).path("id");

        browser.get(platform.endpoint("REVIEW_URL") + "/requests");
        page.signIn("partner");
        assertEquals("pat@partner.example", page.until(ExpectedConditions.visibilityOfElementLocated(By.id("me"))).getText());
        // review-service offers the package once it has heard of the partner (created a moment ago, or by an earlier test)
        WebElement offer = page.until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector("[data-package='" + packageId + "']"));
            if (found.isEmpty()) {
                d.navigate().refresh();
                return null;
            }
            return found.get(0);
        });
        assertEquals("Wiki " + run + " (GENERAL) as editor", offer.findElement(By.cssSelector(".resources")).getText());
        offer.findElement(By.name("justification")).sendKeys("Osprey launch");
        offer.findElement(By.name("answer.project")).sendKeys("Osprey");
        offer.findElement(By.cssSelector("button.primary")).click();

        page.until(ExpectedConditions.visibilityOfElementLocated(By.id("submitted")));
        WebElement mine = browser.findElements(By.cssSelector("[data-my-request]")).stream()
                .filter(r -> r.getText().startsWith("Osprey " + run)).findFirst().orElseThrow(() -> new AssertionError(browser.getPageSource()));
        String requestId = mine.getAttribute("data-my-request");
        assertEquals("PENDING_APPROVAL", mine.findElement(By.cssSelector(".state")).getText());
        page.screenshot("partner-request-page.png");
        // what the page submitted is what the API holds: for pat themselves, with the justification and the answer
        Reviews.as(platform, "admin").get("/api/v1/access-requests/" + requestId).then().statusCode(200)
                .body("packageId", org.hamcrest.Matchers.equalTo(packageId))
                .body("requester.email", org.hamcrest.Matchers.equalTo("pat@partner.example"))
                .body("submittedBy", org.hamcrest.Matchers.equalTo("pat@partner.example"))
                .body("justification", org.hamcrest.Matchers.equalTo("Osprey launch"))
                .body("answers[0].answer", org.hamcrest.Matchers.equalTo("Osprey"))
                .body("approvers", org.hamcrest.Matchers.equalTo(List.of("owner@example.com")));

        // a guest never approves, their own request least of all: the page's own form post, from pat's session, is refused
        assertEquals(403, postFromPage("/reviews/requests/" + requestId, "decision=APPROVE&justification=mine"));
        Reviews.as(platform, "admin").get("/api/v1/access-requests/" + requestId).then().body("state", org.hamcrest.Matchers.equalTo("PENDING_APPROVAL"));

        mine = browser.findElements(By.cssSelector("[data-my-request='" + requestId + "']")).get(0);
        mine.findElement(By.cssSelector("button.cancel")).click();
        page.until(d -> d.findElements(By.cssSelector("[data-my-request='" + requestId + "'] .state")).stream()
                .anyMatch(state -> state.getText().equals("CANCELLED")));
        Reviews.as(platform, "admin").get("/api/v1/access-requests/" + requestId).then().body("state", org.hamcrest.Matchers.equalTo("CANCELLED"));
    }

    /** Signing in is not enough: someone of the realm without a role of ours can neither decide review items nor approve requests there. */
    @Test
    void someoneSignedInWithoutARoleCanNeitherDecideNorApproveOnThePages() {
        Platform platform = Platform.get();
        browser.get(platform.endpoint("REVIEW_URL") + "/reviews");
        page.signIn("nobody");
        page.until(d -> d.getCurrentUrl().startsWith(platform.endpoint("REVIEW_URL")) ? d : null);
        for (String[] post : List.of(new String[] {"/reviews/items/" + UUID.randomUUID(), "decision=APPROVE&justification=looks+fine"},
                new String[] {"/reviews/requests/" + UUID.randomUUID(), "decision=APPROVE&justification=looks+fine"},
                new String[] {"/reviews/campaigns/" + UUID.randomUUID() + "/accept-recommendations", "justification=looks+fine"})) {
            assertEquals(403, postFromPage(post[0], post[1]), post[0]);
        }
    }

    /** Posts a form from the page the browser shows, with its session, as the page's own forms do; the status that came back. */
    private int postFromPage(String path, String form) {
        Object status = page.runAsync("const done = arguments[arguments.length - 1];"
                + " fetch(arguments[0], {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: arguments[1],"
                + " redirect: 'manual'}).then(r => done(r.status)).catch(e => done(-1));", path, form);
        return ((Number) status).intValue();
    }

    /** The block of one guest on the page. */
    private WebElement row(String guestEmail) {
        return browser.findElements(By.cssSelector(".guest")).stream().filter(g -> g.findElement(By.tagName("h3")).getText().equals(guestEmail))
                .findFirst().orElseThrow(() -> new AssertionError("no block for " + guestEmail));
    }

    private static String itemOfGrant(Platform platform, String campaign, String grantId) {
        return Reviews.items(platform, campaign).stream().filter(i -> grantId.equals(i.get("grantId"))).map(i -> (String) i.get("id")).findFirst()
                .orElseThrow();
    }
}
