package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.RepositoryRoot;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenID AuthZEN interop "Search" scenario against the running platform: the demo's script loads its policy, and its users
 * and records (the interop's own data files, from ../shared/interop/authzen) into policy-service's directory; then every
 * expected result of the interop's subject, resource and action searches is asked, and compared whole. Paging is asked too,
 * as the 1.0 text has it: a page of at most limit results, next_token to go on, empty on the last page.
 */
@ExtendWith(Platform.class)
class AuthzenSearchInteropTest {

    private static final Path INTEROP = RepositoryRoot.get().resolve("../shared/interop/authzen");

    @BeforeAll
    static void loadTheScenario() {
        String loaded = Platform.get().runScript("deploy/demo/authzen-search/load.sh");
        assertTrue(loaded.contains("records.json: policy"), loaded);
        assertEquals(6, loaded.lines().filter(l -> l.startsWith("directory: user ")).count(), loaded);
        assertEquals(20, loaded.lines().filter(l -> l.startsWith("directory: record ")).count(), loaded);
    }

    @Test
    void everySubjectSearchGivesTheInteropsUsers() {
        assertEveryCase("search-subject-results.json", "/access/v1/search/subject", 60);
    }

    @Test
    void everyResourceSearchGivesTheInteropsRecords() {
        assertEveryCase("search-resource-results.json", "/access/v1/search/resource", 18);
    }

    @Test
    void everyActionSearchGivesTheInteropsActions() {
        assertEveryCase("search-action-results.json", "/access/v1/search/action", 120);
    }

    /** Pages of two: the results in order, each page full but the last, whose next_token is empty. */
    @Test
    void searchesPageAsTheTextSays() {
        Platform platform = Platform.get();
        Map<String, Object> whoViews105 = Map.of("subject", Map.of("type", "user"), "action", Map.of("name", "view"),
                "resource", Map.of("type", "record", "id", "105"));
        assertEquals(List.of(List.of("alice", "bob"), List.of("carol", "dan"), List.of("erin")),
                pages(platform, "/access/v1/search/subject", whoViews105, 2));
        Map<String, Object> whatErinViews = Map.of("subject", Map.of("type", "user", "id", "erin"), "action", Map.of("name", "view"),
                "resource", Map.of("type", "record"));
        assertEquals(List.of(List.of("105", "111", "115"), List.of("117")), pages(platform, "/access/v1/search/resource", whatErinViews, 3));
        // somebody the directory does not know, a record it does not hold: a valid empty answer
        given().baseUri(platform.endpoint("POLICY_URL")).auth().oauth2(platform.userToken("admin")).contentType(ContentType.JSON)
                .body(Map.of("subject", Map.of("type", "user"), "action", Map.of("name", "view"), "resource", Map.of("type", "record", "id", "999")))
                .post("/access/v1/search/subject").then().statusCode(200).body("results", org.hamcrest.Matchers.empty())
                .body("page.next_token", org.hamcrest.Matchers.equalTo(""));
    }

    private static List<List<String>> pages(Platform platform, String path, Map<String, Object> request, int limit) {
        List<List<String>> pages = new ArrayList<>();
        String token = "";
        do {
            Map<String, Object> asked = new java.util.HashMap<>(request);
            asked.put("page", token.isEmpty() ? Map.of("limit", limit) : Map.of("limit", limit, "token", token));
            JsonPath page = given().baseUri(platform.endpoint("POLICY_URL")).auth().oauth2(platform.userToken("admin")).contentType(ContentType.JSON)
                    .body(asked).post(path).then().statusCode(200).extract().jsonPath();
            pages.add(page.getList("results.id"));
            token = page.getString("page.next_token");
        } while (!token.isEmpty() && pages.size() < 20);
        return pages;
    }

    private static void assertEveryCase(String file, String path, int cases) {
        Platform platform = Platform.get();
        List<Map<String, Object>> evaluations = JsonPath.from(INTEROP.resolve(file).toFile()).getList("evaluation");
        assertEquals(cases, evaluations.size(), file + "'s cases");
        String admin = platform.userToken("admin");
        List<String> wrong = new ArrayList<>();
        for (Map<String, Object> c : evaluations) {
            Object expected = ((Map<?, ?>) c.get("expected")).get("results");
            Object found = given().baseUri(platform.endpoint("POLICY_URL")).auth().oauth2(admin).contentType(ContentType.JSON).body(c.get("request"))
                    .post(path).then().statusCode(200).extract().jsonPath().getList("results");
            if (!expected.equals(found)) {
                wrong.add(c.get("request") + " expected " + expected + " -> " + found);
            }
        }
        assertEquals(List.of(), wrong, file + ": searches that differ from the interop's results");
        System.out.printf("AuthZEN Search interop, %s: %d of %d as expected%n", path, evaluations.size(), evaluations.size());
    }
}
