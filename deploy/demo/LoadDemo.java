import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads a demo into a running policy-service as the demo admin, step by step (the AuthZEN interop scenarios use it):
 * <ul>
 *   <li>{@code policies DIR}: every DIR/*.json, a policy created, or its next version written when one of that name exists (so
 *   loading twice changes nothing but the version);</li>
 *   <li>{@code users-of-scenario TYPE FILE}: the users' attributes of an interop scenario's document (the JSON object in the code
 *   block after "Attributes associated with users", keyed by the id a PEP sends) into the directory, as entities of TYPE;</li>
 *   <li>{@code entities TYPE FILE}: each object of a JSON array (its "id" naming it) into the directory, as an entity of TYPE;</li>
 *   <li>{@code actions RESOURCE_TYPE NAME,NAME,...}: the actions an action search tries on resources of that type, in that order.</li>
 * </ul>
 * java LoadDemo.java POLICY_URL KEYCLOAK_TOKEN_URL STEP ARGS... [STEP ARGS...]. Java only, no libraries: the JSON is split by
 * brace depth outside strings, never parsed into objects.
 */
public class LoadDemo {

    private static HttpClient http;
    private static String bearer;
    private static String policyUrl;

    public static void main(String[] args) throws Exception {
        policyUrl = args[0];
        String tokenUrl = args[1];
        http = HttpClient.newHttpClient();
        String form = "grant_type=password&client_id=portcullis-cli&username=admin&password=admin";
        HttpResponse<String> tokenResponse = http.send(HttpRequest.newBuilder(URI.create(tokenUrl))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher token = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(tokenResponse.body());
        if (tokenResponse.statusCode() != 200 || !token.find()) {
            throw new IllegalStateException("no token from " + tokenUrl + ": " + tokenResponse.statusCode() + " " + tokenResponse.body());
        }
        bearer = "Bearer " + token.group(1);
        for (int i = 2; i < args.length; ) {
            switch (args[i]) {
                case "policies" -> policies(Path.of(args[i + 1]));
                case "users-of-scenario" -> {
                    for (var user : usersOfScenario(Files.readString(Path.of(args[i + 2]))).entrySet()) {
                        entity(args[i + 1], user.getKey(), user.getValue());
                    }
                    i++;
                }
                case "entities" -> {
                    for (String object : objects(Files.readString(Path.of(args[i + 2])))) {
                        Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\"([^\"]*)\"|(-?[0-9]+))").matcher(object);
                        if (!id.find()) {
                            throw new IllegalStateException("an entity without an id in " + args[i + 2] + ": " + object);
                        }
                        entity(args[i + 1], id.group(2) != null ? id.group(2) : id.group(3), object);
                    }
                    i++;
                }
                case "actions" -> {
                    String[] names = args[i + 2].split(",");
                    for (int rank = 0; rank < names.length; rank++) {
                        entity("action", names[rank], "{\"resourceTypes\": [\"" + args[i + 1] + "\"], \"rank\": " + rank + "}");
                    }
                    i++;
                }
                default -> throw new IllegalArgumentException("no step " + args[i]);
            }
            i += 2;
        }
    }

    private static void policies(Path dir) throws Exception {
        String existing = http.send(HttpRequest.newBuilder(URI.create(policyUrl + "/api/v1/policies?limit=500")).header("Authorization", bearer)
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir)) {
            files = listed.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path file : files) {
            String body = Files.readString(file);
            Matcher name = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
            if (!name.find()) {
                throw new IllegalStateException(file + " has no name");
            }
            Matcher found = Pattern.compile("\"id\":\"([0-9a-f-]{36})\",\"version\":\\d+,\"name\":\"" + Pattern.quote(name.group(1)) + "\"")
                    .matcher(existing);
            HttpRequest.Builder request = found.find()
                    ? HttpRequest.newBuilder(URI.create(policyUrl + "/api/v1/policies/" + found.group(1))).PUT(HttpRequest.BodyPublishers.ofString(body))
                    : HttpRequest.newBuilder(URI.create(policyUrl + "/api/v1/policies")).POST(HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> saved = http.send(request.header("Authorization", bearer).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            if (saved.statusCode() != 200 && saved.statusCode() != 201) {
                throw new IllegalStateException(file + ": " + saved.statusCode() + " " + saved.body());
            }
            Matcher version = Pattern.compile("\"id\":\"([0-9a-f-]{36})\",\"version\":(\\d+)").matcher(saved.body());
            version.find();
            System.out.printf("%s: policy %s version %s (%s)%n", file.getFileName(), version.group(1), version.group(2), name.group(1));
        }
    }

    /** Writes one entity's attributes (the JSON object {@code properties}) into the directory. */
    private static void entity(String type, String id, String properties) throws Exception {
        HttpResponse<String> saved = http.send(HttpRequest.newBuilder(URI.create(policyUrl + "/api/v1/directory/" + type + "/"
                        + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20")))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"properties\": " + properties + "}"))
                .header("Authorization", bearer).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        if (saved.statusCode() != 200) {
            throw new IllegalStateException("directory " + type + " " + id + ": " + saved.statusCode() + " " + saved.body());
        }
        System.out.printf("directory: %s %s%n", type, id);
    }

    /** The users of an interop scenario's document: the JSON object after "Attributes associated with users", member by member. */
    static Map<String, String> usersOfScenario(String scenario) {
        int section = scenario.indexOf("Attributes associated with users");
        int start = section < 0 ? -1 : scenario.indexOf("```", section);
        if (start < 0) {
            throw new IllegalStateException("the scenario names no users' attributes");
        }
        String block = scenario.substring(scenario.indexOf('\n', start) + 1, scenario.indexOf("```", start + 3));
        Map<String, String> users = new LinkedHashMap<>();
        String key = null;
        for (String[] member : members(block, true)) {
            if (member[0] != null) {
                key = member[0];
            }
            users.put(key, member[1]);
        }
        if (users.isEmpty()) {
            throw new IllegalStateException("the scenario's users' attributes are empty");
        }
        return users;
    }

    /** The objects of a JSON array, as text. */
    static List<String> objects(String array) {
        return members(array, false).stream().map(m -> m[1]).toList();
    }

    /**
     * The objects one level inside the outermost {@code [...]} or {@code {...}} of {@code json}, each with its name when
     * {@code named} (an object's members) or null (an array's items).
     */
    private static List<String[]> members(String json, boolean named) {
        List<String[]> found = new ArrayList<>();
        int level = 0;
        boolean inString = false;
        int stringStart = -1;
        String lastString = null;
        int objectStart = -1;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                    if (objectStart < 0) {
                        lastString = json.substring(stringStart, i);
                    }
                }
            } else if (c == '"') {
                inString = true;
                stringStart = i + 1;
            } else if (c == '{' || c == '[') {
                if (level == 1 && c == '{' && objectStart < 0) {
                    objectStart = i;
                }
                level++;
            } else if (c == '}' || c == ']') {
                level--;
                if (level == 1 && objectStart >= 0 && c == '}') {
                    found.add(new String[] {named ? lastString : null, json.substring(objectStart, i + 1)});
                    objectStart = -1;
                    lastString = null;
                }
            }
        }
        return found;
    }
}
