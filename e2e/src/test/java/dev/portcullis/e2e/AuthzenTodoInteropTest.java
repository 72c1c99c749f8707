package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.RepositoryRoot;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenID AuthZEN interop "Todo" scenario against the running platform: the demo's script loads
 * the scenario's policy set (deploy/demo/authzen-todo), then every request/decision pair of the
 * interop file is replayed, one by one through /access/v1/evaluation and all at once through
 * /access/v1/evaluations. The file and the commit it comes from are named in the demo's README.
 */
@ExtendWith(Platform.class)
class AuthzenTodoInteropTest {

    private static final String DEMO = "deploy/demo/authzen-todo";
    private static final String DECISIONS = DEMO + "/decisions-authorization-api-1_0-00.json";

    @Test
    void everyInteropDecisionComesOutAsExpectedSingleAndBatched() {
        Platform platform = Platform.get();
        String loaded = platform.runScript(DEMO + "/load.sh");
        assertTrue(loaded.contains("create-todo.json: policy") && loaded.contains("change-todo.json: policy"), loaded);
        String admin = platform.userToken("admin");
        List<Map<String, Object>> cases = JsonPath.from(RepositoryRoot.get().resolve(DECISIONS).toFile()).getList("evaluation");
        assertEquals(40, cases.size(), "the interop file's 40 cases");

        List<String> wrong = new ArrayList<>();
        for (Map<String, Object> c : cases) {
            boolean decision = given().baseUri(platform.endpoint("POLICY_URL")).auth().oauth2(admin).contentType(ContentType.JSON)
                    .body(c.get("request")).post("/access/v1/evaluation").then().statusCode(200).extract().path("decision");
            if (decision != (Boolean) c.get("expected")) {
                wrong.add(describe(c) + " -> " + decision);
            }
        }
        assertEquals(List.of(), wrong, "single evaluations that differ from the interop file");

        List<Object> requests = cases.stream().map(c -> c.get("request")).toList();
        List<Boolean> batched = given().baseUri(platform.endpoint("POLICY_URL")).auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("evaluations", requests)).post("/access/v1/evaluations").then().statusCode(200).extract().path("evaluations.decision");
        List<String> wrongInBatch = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            if (!cases.get(i).get("expected").equals(batched.get(i))) {
                wrongInBatch.add(describe(cases.get(i)) + " -> " + batched.get(i));
            }
        }
        assertEquals(List.of(), wrongInBatch, "batched evaluations that differ from the interop file");
        System.out.printf("AuthZEN Todo interop: %d of %d decisions as expected, single and batched%n", cases.size() - wrong.size(), cases.size());

        // loading again writes new versions and changes no decision
        assertTrue(platform.runScript(DEMO + "/load.sh").contains("version 2"));
    }

    @SuppressWarnings("unchecked")
    private static String describe(Map<String, Object> c) {
        Map<String, Object> request = (Map<String, Object>) c.get("request");
        return ((Map<String, Object>) request.get("subject")).get("id") + " " + ((Map<String, Object>) request.get("action")).get("name") + " "
                + ((Map<String, Object>) request.get("resource")).get("id") + " expected " + c.get("expected");
    }
}
