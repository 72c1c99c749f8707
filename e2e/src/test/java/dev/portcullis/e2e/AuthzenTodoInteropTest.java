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
 * The OpenID AuthZEN interop "Todo" scenario against the running platform. The demo's script loads the scenario's policy set
 * and its users' attributes into policy-service's subject directory (deploy/demo/authzen-todo, reading the scenario's document
 * from ../shared/interop/authzen), so the PDP knows each user's roles from the opaque PID a PEP sends, not from the request.
 * Then the interop's own files are replayed: the Authorization API 1.0 file (-02, subjects as PIDs, ownerID in
 * resource.properties), each single evaluation and each batch it holds; and the earlier draft's file (-00, subjects by email with
 * their PID as identity, ownerID beside type and id). Every case also goes through /access/v1/evaluations, all at once.
 */
@ExtendWith(Platform.class)
class AuthzenTodoInteropTest {

    private static final String DEMO = "deploy/demo/authzen-todo";
    /** Other people's material, beside the project (never copied into it). */
    private static final Path INTEROP = RepositoryRoot.get().resolve("../shared/interop/authzen");

    @BeforeAll
    static void loadTheScenario() {
        String loaded = Platform.get().runScript(DEMO + "/load.sh");
        assertTrue(loaded.contains("create-todo.json: policy") && loaded.contains("change-todo.json: policy"), loaded);
        assertEquals(5, loaded.lines().filter(l -> l.startsWith("directory: user ")).count(), loaded);
    }

    @Test
    void theAuthorizationApi10FileComesOutAsExpectedEvaluationByEvaluationAndInItsBatches() {
        Platform platform = Platform.get();
        JsonPath file = JsonPath.from(INTEROP.resolve("decisions-authorization-api-1_0-02.json").toFile());
        List<Map<String, Object>> cases = file.getList("evaluation");
        assertEquals(40, cases.size(), "the interop file's 40 evaluations");
        replaySingleAndAllAtOnce(platform, cases, "-02");

        List<Map<String, Object>> batches = file.getList("evaluations");
        assertEquals(3, batches.size(), "the interop file's 3 batches");
        List<String> wrong = new ArrayList<>();
        for (Map<String, Object> batch : batches) {
            List<Object> expected = ((List<?>) batch.get("expected")).stream().map(e -> ((Map<?, ?>) e).get("decision")).map(Object.class::cast).toList();
            List<Boolean> decided = given().baseUri(platform.endpoint("POLICY_URL")).auth().oauth2(platform.userToken("admin"))
                    .contentType(ContentType.JSON).body(batch.get("request")).post("/access/v1/evaluations").then().statusCode(200)
                    .extract().path("evaluations.decision");
            if (!expected.equals(decided)) {
                wrong.add(describe(batch) + " expected " + expected + " -> " + decided);
            }
        }
        assertEquals(List.of(), wrong, "batches that differ from the interop file");
        System.out.printf("AuthZEN Todo interop (1.0, -02): %d of %d evaluations and %d of %d batches as expected%n", cases.size(), cases.size(),
                batches.size(), batches.size());
    }

    /** The metadata names each endpoint served here (and nothing else), and each answers a request of its kind. */
    @Test
    @SuppressWarnings("unchecked")
    void theMetadataNamesEveryEndpointThatIsServed() {
        Platform platform = Platform.get();
        String base = platform.endpoint("POLICY_URL");
        Map<String, String> metadata = given().get(base + "/.well-known/authzen-configuration").then().statusCode(200).extract().as(Map.class);
        assertEquals(base, metadata.get("policy_decision_point"));
        String rick = "CiRmZDA2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs";
        Map<String, Object> user = Map.of("type", "user", "id", rick);
        Map<String, Object> todo = Map.of("type", "todo", "id", "todo-1");
        Map<String, Map<String, Object>> asked = Map.of(
                "access_evaluation_endpoint", Map.of("subject", user, "action", Map.of("name", "can_read_todos"), "resource", todo),
                "access_evaluations_endpoint", Map.of("subject", user, "action", Map.of("name", "can_read_todos"), "evaluations", List.of(Map.of("resource", todo))),
                "search_subject_endpoint", Map.of("subject", Map.of("type", "user"), "action", Map.of("name", "can_read_todos"), "resource", todo),
                "search_resource_endpoint", Map.of("subject", user, "action", Map.of("name", "can_read_todos"), "resource", Map.of("type", "todo")),
                "search_action_endpoint", Map.of("subject", user, "resource", todo));
        assertEquals(new java.util.TreeSet<>(asked.keySet()), new java.util.TreeSet<>(metadata.keySet().stream().filter(k -> k.endsWith("_endpoint")).toList()));
        asked.forEach((name, body) -> given().auth().oauth2(platform.userToken("admin")).contentType(ContentType.JSON).body(body)
                .post(metadata.get(name)).then().statusCode(200));
    }

    @Test
    void theEarlierDraftsFileComesOutAsExpectedToo() {
        Platform platform = Platform.get();
        List<Map<String, Object>> cases = JsonPath.from(RepositoryRoot.get().resolve(DEMO + "/decisions-authorization-api-1_0-00.json").toFile())
                .getList("evaluation");
        assertEquals(40, cases.size(), "the draft file's 40 cases");
        replaySingleAndAllAtOnce(platform, cases, "-00");
        // loading again writes new versions and changes no decision
        assertTrue(platform.runScript(DEMO + "/load.sh").contains("version "));
        replaySingleAndAllAtOnce(platform, cases, "-00, loaded twice");
    }

    private static void replaySingleAndAllAtOnce(Platform platform, List<Map<String, Object>> cases, String file) {
        String admin = platform.userToken("admin");
        List<String> wrong = new ArrayList<>();
        for (Map<String, Object> c : cases) {
            boolean decision = given().baseUri(platform.endpoint("POLICY_URL")).auth().oauth2(admin).contentType(ContentType.JSON)
                    .body(c.get("request")).post("/access/v1/evaluation").then().statusCode(200).extract().path("decision");
            if (decision != (Boolean) c.get("expected")) {
                wrong.add(describe(c) + " expected " + c.get("expected") + " -> " + decision);
            }
        }
        assertEquals(List.of(), wrong, file + ": single evaluations that differ from the interop file");

        List<Boolean> batched = given().baseUri(platform.endpoint("POLICY_URL")).auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("evaluations", cases.stream().map(c -> c.get("request")).toList())).post("/access/v1/evaluations").then()
                .statusCode(200).extract().path("evaluations.decision");
        List<String> wrongInBatch = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            if (!cases.get(i).get("expected").equals(batched.get(i))) {
                wrongInBatch.add(describe(cases.get(i)) + " -> " + batched.get(i));
            }
        }
        assertEquals(List.of(), wrongInBatch, file + ": the same evaluations, all at once, that differ");
    }

    @SuppressWarnings("unchecked")
    private static String describe(Map<String, Object> c) {
        Map<String, Object> request = (Map<String, Object>) c.get("request");
        Object resource = request.get("resource") != null ? ((Map<String, Object>) request.get("resource")).get("id") : request.get("evaluations");
        return ((Map<String, Object>) request.get("subject")).get("id") + " " + ((Map<String, Object>) request.get("action")).get("name") + " "
                + resource;
    }
}
