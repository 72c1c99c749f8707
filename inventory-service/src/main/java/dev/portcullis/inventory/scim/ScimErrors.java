package dev.portcullis.inventory.scim;

import dev.portcullis.backbone.problem.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Under {@code /scim/} errors speak SCIM (RFC 7644 §3.12), which is what a provisioning client reads: a {@link ScimProblem} is
 * written as one, and every problem document the platform's own mappers and filters make there (a bad field, 401, 403, 404, a
 * policy's refusal) is turned into one at the edge. backbone knows nothing of SCIM.
 */
public class ScimErrors {

    public static final String MEDIA_TYPE = "application/scim+json";
    private static final String ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

    @ServerExceptionMapper(priority = 1)
    public Response scim(ScimProblem e) {
        return Response.status(e.status()).type(MEDIA_TYPE).entity(error(e.status(), e.scimType(), e.getMessage())).build();
    }

    @ServerResponseFilter
    public void problemsBecomeScimErrors(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(response.getEntity() instanceof Problem problem) || !request.getUriInfo().getPath().startsWith("/scim/")) {
            return;
        }
        String detail = problem.reasons() == null ? problem.detail()
                : problem.detail() + ": " + problem.reasons().stream().map(r -> String.valueOf(r.get("message"))).collect(Collectors.joining("; "));
        // a policy's refusal is a 422 without a scimType; a bad value, whoever found it, is invalidValue
        String scimType = problem.status() == 400 ? "invalidValue" : null;
        response.setEntity(error(problem.status(), scimType, detail), null, MediaType.valueOf(MEDIA_TYPE));
    }

    /** A SCIM error document: status as a string, as RFC 7644 has it. */
    private static Map<String, Object> error(int status, String scimType, String detail) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("schemas", List.of(ERROR));
        error.put("status", String.valueOf(status));
        if (scimType != null) {
            error.put("scimType", scimType);
        }
        error.put("detail", detail);
        return error;
    }
}
