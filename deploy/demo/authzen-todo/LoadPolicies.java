import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads every policies/*.json into policy-service as the demo admin: creates a policy of that name, or
 * writes its next version when one exists (so loading twice changes nothing but the version).
 * Run by load.sh: java LoadPolicies.java POLICY_URL KEYCLOAK_TOKEN_URL POLICY_DIR. Java only, no libraries.
 */
public class LoadPolicies {

    public static void main(String[] args) throws Exception {
        String policyUrl = args[0];
        String tokenUrl = args[1];
        Path dir = Path.of(args[2]);
        HttpClient http = HttpClient.newHttpClient();
        String form = "grant_type=password&client_id=portcullis-cli&username=admin&password=admin";
        HttpResponse<String> tokenResponse = http.send(HttpRequest.newBuilder(URI.create(tokenUrl))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher token = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(tokenResponse.body());
        if (tokenResponse.statusCode() != 200 || !token.find()) {
            throw new IllegalStateException("no token from " + tokenUrl + ": " + tokenResponse.statusCode() + " " + tokenResponse.body());
        }
        String bearer = "Bearer " + token.group(1);
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
}
