package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reads each service's OpenAPI document and sends every operation what a careless or hostile client
 * would: missing, null and mistyped fields, huge and odd strings, control characters, deep nesting,
 * broken JSON, the wrong content type, and mangled path and query parameters. No answer may be a
 * 5xx, no connection may drop (RestAssured would throw), and every service stays ready.
 */
@ExtendWith(Platform.class)
class ApiFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> ODD_STRINGS = List.of("", " ", "\u0000", "nul\u0000byte", "\u001b[31mred", "x".repeat(100_000),
            "💥🔥", "' or 1=1 --", "<script>alert(1)</script>", "../../../etc/passwd", "null", "-1", "99999999999999999999999",
            "2026-13-45T99:99:99Z", "not-a-uuid", "ann@", "\uD800");
    private static final List<String> ODD_PATH_SEGMENTS = List.of("not-a-uuid", "%00", "x".repeat(3000), "..%2F..%2F", "-1",
            UUID.randomUUID().toString(), "%F0%9F%92%A5", "null");
    private static final List<String> ODD_QUERY_VALUES = List.of("%00", "%0A%0D", "x".repeat(5000), "-1", "0", "99999999999999999999",
            "null", "%F0%9F%92%A5", "'%20or%201=1%20--", "");

    @Test
    void noMutatedRequestGetsA5xxAndTheServicesStayReady() throws Exception {
        Platform platform = Platform.get();
        List<String> tokens = List.of(platform.userToken("admin"), platform.signalToken());
        List<String> failures = new ArrayList<>();
        int sent = 0;
        for (String service : List.of("inventory", "review", "policy", "notification")) {
            String base = platform.urls(service).get(0);
            JsonNode openApi = JSON.readTree(given().baseUri(base).queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                    .extract().asString());
            for (Iterator<Map.Entry<String, JsonNode>> paths = openApi.path("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                for (Iterator<Map.Entry<String, JsonNode>> operations = path.getValue().fields(); operations.hasNext(); ) {
                    Map.Entry<String, JsonNode> operation = operations.next();
                    String method = operation.getKey().toUpperCase();
                    if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                        continue;
                    }
                    for (Request request : mutations(openApi, path.getKey(), operation.getValue())) {
                        for (String token : tokens) {
                            sent++;
                            Response answer = send(base, method, request, token);
                            if (answer.statusCode() >= 500) {
                                failures.add(service + " " + method + " " + request.path() + " " + request.query() + " "
                                        + abbreviate(request.body()) + " [" + request.contentType() + "] -> " + answer.statusCode() + " "
                                        + abbreviate(answer.asString()));
                            }
                        }
                    }
                }
            }
            given().baseUri(platform.managementUrls(service).get(0)).get("/q/health/ready").then().statusCode(200);
        }
        System.out.printf("fuzz: %d requests, %d answered 5xx%n", sent, failures.size());
        assertEquals(List.of(), failures);
    }

    private record Request(String path, String query, String body, String contentType) {
    }

    private static List<Request> mutations(JsonNode openApi, String template, JsonNode operation) {
        List<Request> requests = new ArrayList<>();
        String validPath = template.replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
        // path parameters, one odd value at a time
        if (template.contains("{")) {
            for (String odd : ODD_PATH_SEGMENTS) {
                requests.add(new Request(template.replaceAll("\\{[^}]+}", odd), "", null, null));
            }
        }
        // query parameters, each odd value in each declared parameter
        for (JsonNode parameter : operation.path("parameters")) {
            if ("query".equals(parameter.path("in").asText())) {
                for (String odd : ODD_QUERY_VALUES) {
                    requests.add(new Request(validPath, parameter.path("name").asText() + "=" + odd, null, null));
                }
            }
        }
        requests.add(new Request(validPath, "", null, null));
        JsonNode schema = resolve(openApi, operation.path("requestBody").path("content").path("application/json").path("schema"));
        if (!schema.isMissingNode()) {
            ObjectNode valid = skeleton(openApi, schema);
            for (String raw : List.of("{}", "null", "[]", "\"text\"", "42", "{\"a\":", "{", "}", "[" .repeat(50_000), "{\"x\":" .repeat(5_000),
                    "{\"name\": \"\\u0000\"}", "\u0000", "{\"\u0000\": 1}")) {
                requests.add(new Request(validPath, "", raw, "application/json"));
            }
            requests.add(new Request(validPath, "", valid.toString(), "text/plain"));
            requests.add(new Request(validPath, "", "<xml/>", "application/xml"));
            requests.add(new Request(validPath, "", valid.toString(), "application/json"));
            for (Iterator<String> fields = valid.fieldNames(); fields.hasNext(); ) {
                String field = fields.next();
                List<JsonNode> replacements = new ArrayList<>(List.of(NODES.nullNode(), NODES.numberNode(123), NODES.booleanNode(true),
                        NODES.objectNode().put("nested", "object"), NODES.arrayNode().add(NODES.arrayNode().add(1))));
                ODD_STRINGS.forEach(s -> replacements.add(NODES.textNode(s)));
                for (JsonNode replacement : replacements) {
                    ObjectNode mutated = valid.deepCopy();
                    mutated.set(field, replacement);
                    requests.add(new Request(validPath, "", mutated.toString(), "application/json"));
                }
                ObjectNode missing = valid.deepCopy();
                missing.remove(field);
                requests.add(new Request(validPath, "", missing.toString(), "application/json"));
            }
            ObjectNode extra = valid.deepCopy();
            extra.put("unknownField", "surprise");
            requests.add(new Request(validPath, "", extra.toString(), "application/json"));
        }
        return requests;
    }

    /** A body with every property of the schema, each with a plausible value of its type. */
    private static ObjectNode skeleton(JsonNode openApi, JsonNode schema) {
        ObjectNode body = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields(); properties.hasNext(); ) {
            Map.Entry<String, JsonNode> property = properties.next();
            JsonNode type = resolve(openApi, property.getValue());
            body.set(property.getKey(), sample(openApi, type, property.getKey()));
        }
        return body;
    }

    private static JsonNode sample(JsonNode openApi, JsonNode schema, String name) {
        if (schema.has("enum")) {
            return schema.path("enum").get(0);
        }
        String format = schema.path("format").asText();
        switch (schema.path("type").asText()) {
            case "array":
                ArrayNode array = NODES.arrayNode();
                array.add(sample(openApi, resolve(openApi, schema.path("items")), name));
                return array;
            case "integer":
            case "number":
                return NODES.numberNode(1);
            case "boolean":
                return NODES.booleanNode(true);
            case "object":
                return skeleton(openApi, schema);
            default:
                if ("uuid".equals(format)) {
                    return NODES.textNode(UUID.randomUUID().toString());
                }
                if ("date-time".equals(format)) {
                    return NODES.textNode("2030-01-01T00:00:00Z");
                }
                return NODES.textNode(name.toLowerCase().contains("email") || name.endsWith("s") ? "fuzz@example.com" : "fuzz");
        }
    }

    private static JsonNode resolve(JsonNode openApi, JsonNode schema) {
        JsonNode current = schema;
        for (int depth = 0; depth < 10 && current.has("$ref"); depth++) {
            String ref = current.path("$ref").asText();
            current = openApi.at(ref.substring(1));
        }
        if (current.has("allOf") && current.path("allOf").size() > 0) {
            return resolve(openApi, current.path("allOf").get(0));
        }
        return current;
    }

    private static Response send(String base, String method, Request request, String token) {
        RequestSpecification spec = given().baseUri(base).urlEncodingEnabled(false).auth().oauth2(token)
                .config(RestAssuredConfig.config().encoderConfig(EncoderConfig.encoderConfig()
                        .appendDefaultContentCharsetToContentTypeIfUndefined(false)
                        .encodeContentTypeAs("application/xml", io.restassured.http.ContentType.TEXT)));
        if (request.body() != null) {
            spec = spec.contentType(request.contentType()).body(request.body());
        }
        String url = request.path() + (request.query().isEmpty() ? "" : "?" + request.query());
        return spec.request(method, url);
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
