package dev.portcullis.backbone.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.portcullis.backbone.problem.Problem.FieldError;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Text from outside is checked once, at the edge, before any service sees it: no control
 * characters (PostgreSQL refuses a NUL byte, and nobody types the others) in JSON strings or query
 * parameters, and no query parameter longer than {@value #MAX_QUERY_PARAMETER}. Field sizes and
 * formats are the bean constraints' job.
 */
public final class InputGuard {

    static final int MAX_QUERY_PARAMETER = 1024;

    private InputGuard() {
    }

    /** True when {@code text} holds a C0 control character (tab, line feed and carriage return aside) or DEL. */
    public static boolean hasControlCharacters(String text, boolean allowLineBreaks) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0x7f || (c < 0x20 && !(allowLineBreaks && (c == '\t' || c == '\n' || c == '\r')))) {
                return true;
            }
        }
        return false;
    }

    /** Query parameters, before JAX-RS matches the request. */
    public static class QueryParameters {

        @ServerRequestFilter(preMatching = true)
        public Response check(ContainerRequestContext request) {
            // a request without a body is an empty JSON one: DELETE /grants/{id} needs no body, and a bodiless POST gets a 400, not a 415
            String length = request.getHeaderString("Content-Length");
            if (request.getMediaType() == null && (length == null || length.equals("0")) && request.getHeaderString("Transfer-Encoding") == null) {
                request.getHeaders().putSingle("Content-Type", "application/json");
            }
            MultivaluedMap<String, String> parameters;
            try {
                parameters = request.getUriInfo().getQueryParameters();
            } catch (RuntimeException e) {
                return refuse(request, "query", "is not a valid URL query");
            }
            for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
                String name = hasControlCharacters(parameter.getKey(), false) ? "query" : parameter.getKey();
                for (String value : parameter.getValue()) {
                    if (hasControlCharacters(parameter.getKey(), false) || hasControlCharacters(value, false)) {
                        return refuse(request, name, "must not contain control characters");
                    }
                    if (value.length() > MAX_QUERY_PARAMETER) {
                        return refuse(request, name, "must be at most " + MAX_QUERY_PARAMETER + " characters");
                    }
                }
            }
            return null;
        }

        private static Response refuse(ContainerRequestContext request, String field, String message) {
            return ProblemMapper.problem(400, "Invalid request", field + " " + message, request.getUriInfo().getPath(),
                    List.of(new FieldError(field, message)));
        }
    }

    /** JSON strings: every String a body holds is read through this deserializer. */
    @Singleton
    public static class JsonStrings implements ObjectMapperCustomizer {

        @Override
        public void customize(ObjectMapper mapper) {
            mapper.registerModule(new SimpleModule("portcullis-input-guard").addDeserializer(String.class, new CheckedStringDeserializer()));
        }
    }

    static final class CheckedStringDeserializer extends StringDeserializer {

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = super.deserialize(parser, context);
            if (value != null && hasControlCharacters(value, true)) {
                throw context.weirdStringException(value, String.class, CONTROL_CHARACTERS);
            }
            return value;
        }
    }

    static final String CONTROL_CHARACTERS = "must not contain control characters";
}
