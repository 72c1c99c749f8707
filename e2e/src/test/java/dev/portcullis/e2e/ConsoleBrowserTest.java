package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.InventoryApi;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The console as its users meet it, in headless Chromium against the running platform: signed in on Keycloak's login page (the
 * console's public client, code flow with PKCE), calling the four services' APIs with the user's own token. An admin sees a
 * recommendation and follows it (the campaign it names starts, on exactly those grants); an auditor sees the same and can change
 * nothing, not even by calling the API with their token; an owner gets no console.
 */
@ExtendWith(Platform.class)
class ConsoleBrowserTest {

    private Browser page;

    @BeforeEach
    void openBrowser() throws Exception {
        page = Browser.open();
    }

    @AfterEach
    void closeBrowser() {
        if (page != null) {
            page.close();
        }
    }

    @Test
    void anAdminSeesTheRecommendationForSensitiveAccessInADelegatedScenarioFollowsItAndItsCampaignStarts() {
        Platform platform = Platform.get();
        Scripted world = sensitiveAccessInADelegatedScenario(platform);

        page.driver.get(platform.endpoint("REVIEW_URL") + "/console/");
        page.signIn("admin");
        page.until(ExpectedConditions.textToBe(By.id("me"), "admin@example.com"));
        WebElement card = page.until(ExpectedConditions.visibilityOfElementLocated(recommendation(world.scenario)));
        assertTrue(card.getText().contains("1 HIGHLY_CONFIDENTIAL grant(s) in " + world.scenarioName + ", a DELEGATED scenario"), card.getText());
        // the sensitivity x control-model matrix counts it, as a chart and as its table
        assertFalse(page.driver.findElements(By.cssSelector("svg.chart rect[data-series='HIGHLY_CONFIDENTIAL']")).isEmpty(), "no chart segment");
        int delegatedHighly = Integer.parseInt(page.driver.findElement(
                By.cssSelector("table.matrix tr[data-control-model='DELEGATED'] td[data-sensitivity='HIGHLY_CONFIDENTIAL']")).getText());
        assertTrue(delegatedHighly >= 1, "DELEGATED x HIGHLY_CONFIDENTIAL: " + delegatedHighly);
        // the README's picture: the whole dashboard, charts included (docs/console.png is a copy of one)
        page.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1900));
        page.screenshot("console.png");
        page.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));

        card.findElement(By.cssSelector("button[data-action='follow']")).click();
        WebElement outcome = page.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#outcome.done")));
        assertEquals("Campaign “Highly confidential access in " + world.scenarioName + "” started: 1 item(s) to review.", outcome.getText());

        // what review-service holds: the campaign, started by the admin, on exactly the guest's highly confidential grant
        Map<String, Object> campaign = campaignNamed(platform, "Highly confidential access in " + world.scenarioName);
        assertEquals("IN_PROGRESS", campaign.get("state"));
        assertEquals("admin", campaign.get("startedBy"));
        List<Map<String, Object>> items = Reviews.items(platform, (String) campaign.get("id"));
        assertEquals(List.of(world.grant), items.stream().map(i -> i.get("grantId")).toList());
        Reviews.as(platform, "admin").post("/api/v1/campaigns/" + campaign.get("id") + "/cancel").then().statusCode(200);
    }

    @Test
    void anAuditorSeesThePostureAndEveryViewAndCanChangeNothing() {
        Platform platform = Platform.get();
        Scripted world = sensitiveAccessInADelegatedScenario(platform);
        int campaignsBefore = campaigns(platform).size();

        page.driver.get(platform.endpoint("REVIEW_URL") + "/console/");
        page.signIn("auditor");
        page.until(ExpectedConditions.textToBe(By.id("role"), "auditor (read-only)"));
        WebElement card = page.until(ExpectedConditions.visibilityOfElementLocated(recommendation(world.scenario)));
        assertFalse(card.findElement(By.cssSelector("button[data-action='follow']")).isEnabled(), "an auditor's action is enabled");

        for (String view : List.of("partners", "guests", "grants", "campaigns", "enforcement")) {
            page.driver.get(platform.endpoint("REVIEW_URL") + "/console/#" + view);
            page.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#view[data-view='" + view + "'] table")));
            assertEquals(List.of(), page.driver.findElements(By.cssSelector("#view .message")).stream().map(WebElement::getText).toList(), view);
            assertEquals(List.of(), page.driver.findElements(By.cssSelector("#view button[data-action]")).stream().filter(WebElement::isEnabled)
                    .map(WebElement::getText).toList(), view + ": an enabled action");
        }
        // the grants, searched by the guest's address and sensitivity: hers, named
        page.driver.get(platform.endpoint("REVIEW_URL") + "/console/#grants?q=" + world.email + "&minSensitivity=HIGHLY_CONFIDENTIAL");
        page.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#view[data-view='grants'] table")));
        List<WebElement> found = page.driver.findElements(By.cssSelector("#view tr[data-grant]"));
        assertEquals(List.of(world.grant), found.stream().map(row -> row.getAttribute("data-grant")).toList());
        assertTrue(found.get(0).getText().startsWith(world.email + " Payroll "), found.get(0).getText());
        // the guest's history, from the audit trail
        page.driver.get(platform.endpoint("REVIEW_URL") + "/console/#guest?id=" + world.guest);
        String history = page.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#view[data-view='guest'] table"))).getText();
        history = page.driver.findElement(By.id("view")).getText();
        assertTrue(history.contains("GUEST_INVITED") && history.contains("GRANT_CREATED"), history);

        // the evidence of the partner's guests, printable: her identity, her grant, and the chain's verification at the end
        page.driver.get(platform.endpoint("REVIEW_URL") + "/console/#evidence?partnerId=" + world.partner + "&show=1");
        WebElement chain = page.until(ExpectedConditions.visibilityOfElementLocated(By.id("chain")));
        assertTrue(chain.getText().startsWith("Audit chain intact: "), chain.getText());
        WebElement evidence = page.driver.findElement(By.cssSelector(".evidence-guest[data-guest='" + world.guest + "']"));
        assertEquals(List.of("IDENTITY", "SPONSOR", "INVITED", "GRANT"), evidence.findElements(By.cssSelector("tr[data-section]")).stream()
                .map(row -> row.getAttribute("data-section")).toList());
        // her grant names the policy decision that allowed it, which policy-service's decision log holds
        String grantLine = evidence.findElement(By.cssSelector("tr[data-section='GRANT']")).getText();
        java.util.regex.Matcher decision = java.util.regex.Pattern.compile("allowed by policy decision ([0-9a-f-]{36})").matcher(grantLine);
        assertTrue(decision.find(), grantLine);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> given().baseUri(platform.endpoint("POLICY_URL"))
                .auth().oauth2(platform.userToken("auditor")).queryParam("subjectId", world.guest).queryParam("action", "grant")
                .get("/api/v1/decisions").then().statusCode(200).extract().<List<String>>path("items.id").contains(decision.group(1)));

        // the API is what refuses: the recommendation's own call, made from the page with the auditor's token, is a 403
        Object status = page.runAsync("const done = arguments[arguments.length - 1];"
                + " const tokens = JSON.parse(sessionStorage.getItem('console.tokens'));"
                + " fetch('/api/v1/campaigns', {method: 'POST', headers: {'Authorization': 'Bearer ' + tokens.access_token,"
                + " 'Content-Type': 'application/json'}, body: JSON.stringify({name: 'by an auditor', reviewers: 'SELF', recurrence: 'ONCE',"
                + " durationDays: 7})}).then(r => done(r.status)).catch(e => done(-1));");
        assertEquals(403, ((Number) status).intValue());
        assertEquals(campaignsBefore, campaigns(platform).size(), "an auditor started a campaign");
    }

    @Test
    void anOwnerWithoutTheAdminOrAuditorRoleGetsNoConsole() {
        Platform platform = Platform.get();
        page.driver.get(platform.endpoint("REVIEW_URL") + "/console/");
        page.signIn("owner");
        WebElement refusal = page.until(ExpectedConditions.visibilityOfElementLocated(By.id("no-console")));
        assertEquals("The console is for admins and auditors. Your review items are on the review page.", refusal.getText());
        assertFalse(page.driver.findElement(By.id("nav")).isDisplayed(), "the owner sees the console's sections");
        assertEquals(List.of(), page.driver.findElements(By.cssSelector("#view")));
    }

    /** A delegated scenario whose HIGHLY_CONFIDENTIAL resource one guest holds, once policy-service's posture recommends reviewing it. */
    private static Scripted sensitiveAccessInADelegatedScenario(Platform platform) {
        InventoryApi inventory = platform.inventory();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String domain = "console-" + run + ".example";
        String partner = inventory.createPartner("tenant-" + run, domain);
        String name = "Heron " + run;
        String scenario = SelfService.scenario(platform, name, "DELEGATED");
        String secret = SelfService.resource(platform, scenario, "Payroll " + run, "HIGHLY_CONFIDENTIAL", "owner@example.com");
        String email = "ivy@" + domain;
        String guest = inventory.inviteGuest(email, "tenant-" + run, "ivy-" + run, List.of("sponsor@example.com"));
        String grant = inventory.grant(guest, secret, "reader");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> given().baseUri(platform.endpoint("POLICY_URL"))
                .auth().oauth2(platform.userToken("admin")).get("/api/v1/posture").then().statusCode(200).extract().jsonPath()
                .getList("recommendations.findAll { it.kind == 'SENSITIVE_ACCESS_OUTSIDE_IT_CONTROL' && it.scenarioId == '" + scenario + "' }")
                .size() == 1);
        return new Scripted(partner, scenario, name, guest, email, grant);
    }

    private record Scripted(String partner, String scenario, String scenarioName, String guest, String email, String grant) {
    }

    private static By recommendation(String scenario) {
        return By.cssSelector("[data-recommendation='SENSITIVE_ACCESS_OUTSIDE_IT_CONTROL'][data-scenario='" + scenario + "']");
    }

    private static List<Map<String, Object>> campaigns(Platform platform) {
        return Reviews.as(platform, "admin").queryParam("limit", 500).get("/api/v1/campaigns").then().statusCode(200).extract().path("items");
    }

    private static Map<String, Object> campaignNamed(Platform platform, String name) {
        return campaigns(platform).stream().filter(c -> name.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no campaign " + name));
    }
}
