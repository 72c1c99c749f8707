package dev.portcullis.backbone.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.portcullis.backbone.problem.Problem.FieldError;
import dev.portcullis.backbone.work.Failures;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where errors become RFC 9457 problem documents, for every service. A protocol with its own error format
 * translates them at its edge (inventory's SCIM: {@code ScimErrors}).
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper(priority = 1)
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        List<FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new FieldError(fieldOf(v), v.getMessage()))
                .sorted((a, b) -> a.field().compareTo(b.field()))
                .toList();
        String fields = errors.stream().map(FieldError::field).distinct().collect(Collectors.joining(", "));
        return problem(400, "Invalid request", "invalid: " + fields, uri, errors);
    }

    @ServerExceptionMapper(priority = 1)
    public Response unreadableField(MismatchedInputException e, UriInfo uri) {
        String field = pathOf(e);
        String message;
        if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            message = "must be one of " + Arrays.toString(f.getTargetType().getEnumConstants());
        } else if (e instanceof UnrecognizedPropertyException) {
            message = "is not a known field";
        } else if (e instanceof InvalidFormatException f && f.getTargetType() == String.class) {
            message = InputGuard.CONTROL_CHARACTERS;
        } else if (e instanceof InvalidFormatException f) {
            message = "cannot be read as " + f.getTargetType().getSimpleName();
        } else {
            message = "has the wrong type or shape";
        }
        return problem(400, "Invalid request", field + " " + message, uri, List.of(new FieldError(field, message)));
    }

    @ServerExceptionMapper(priority = 1)
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = pathOf(m);
            return problem(400, "Invalid request", field + ": " + e.getOriginalMessage(), uri, List.of(new FieldError(field, e.getOriginalMessage())));
        }
        return problem(400, "Malformed JSON", e.getOriginalMessage(), uri, List.of(new FieldError("body", "is not valid JSON")));
    }

    @ServerExceptionMapper(priority = 1)
    public Response badRequest(BadRequestProblem e, UriInfo uri) {
        return problem(400, "Invalid request", e.field() + " " + e.getMessage(), uri, List.of(new FieldError(e.field(), e.getMessage())));
    }

    @ServerExceptionMapper(priority = 1)
    public Response refusedByPolicy(RefusedByPolicyProblem e, UriInfo uri) {
        return Response.status(422).type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", "Refused by policy", 422, e.getMessage(), uri.getPath(), null, e.reasons())).build();
    }

    @ServerExceptionMapper(priority = 1)
    public Response unavailable(UnavailableProblem e, UriInfo uri) {
        return Response.fromResponse(problem(503, "Service unavailable", e.getMessage(), uri, null)).header("Retry-After", "2").build();
    }

    @ServerExceptionMapper(priority = 1)
    public Response notFound(NotFoundProblem e, UriInfo uri) {
        return problem(404, "Not found", e.getMessage(), uri, null);
    }

    @ServerExceptionMapper(priority = 1)
    public Response conflict(ConflictProblem e, UriInfo uri) {
        return problem(409, "Conflict", e.getMessage(), uri, null);
    }

    @ServerExceptionMapper(priority = 1, value = {UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e, UriInfo uri) {
        return problem(401, "Unauthorized", "a valid bearer token is required", uri, null);
    }

    @ServerExceptionMapper(priority = 1)
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        // a message is ours (e.g. a signal client speaking for another tenant); Quarkus' own refusals carry none worth showing
        String detail = e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : "the caller's roles do not allow this";
        return problem(403, "Forbidden", detail, uri, null);
    }

    @ServerExceptionMapper(priority = 1)
    public Response web(WebApplicationException e, UriInfo uri) {
        // the JSON reader wraps what Jackson said into a plain 400
        if (e.getCause() instanceof MismatchedInputException m) {
            return unreadableField(m, uri);
        }
        if (e.getCause() instanceof JsonProcessingException j) {
            return malformedJson(j, uri);
        }
        int status = e.getResponse().getStatus();
        return problem(status, Response.Status.fromStatusCode(status) == null ? "Error" : Response.Status.fromStatusCode(status).getReasonPhrase(),
                e.getMessage(), uri, null);
    }

    /**
     * What the database refused, wherever it surfaced (at a flush, or at commit inside a rollback
     * exception): a race the service's own checks could not see (two creations of the same thing at
     * once) is a conflict, bad data a 400, a lock, connection trouble or an exhausted pool a 503 worth
     * retrying (with Retry-After). Anything else is a bug: 500, logged.
     */
    @ServerExceptionMapper(priority = 10)
    public Response unexpected(Exception e, UriInfo uri) {
        SQLException sql = Failures.causeOf(e, SQLException.class);
        String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
        if (state.equals("23505")) {
            return problem(409, "Conflict", "conflicts with an existing record (" + constraintOf(sql) + ")", uri, null);
        }
        if (state.equals("23503")) {
            boolean stillReferenced = String.valueOf(sql.getMessage()).contains("still referenced");
            return stillReferenced ? problem(409, "Conflict", "other records still refer to it", uri, null)
                    : problem(400, "Invalid request", "refers to something that does not exist (" + constraintOf(sql) + ")", uri, null);
        }
        if (state.startsWith("22") || state.equals("23502") || state.equals("23514")) {
            LOG.warnf("database refused the input on %s: %s", uri.getPath(), sql.getMessage());
            return problem(400, "Invalid request", refusedValue(state, String.valueOf(sql.getMessage())), uri, null);
        }
        // the same judgement as the consumers': a lock, a restart, or no pooled connection free in time (overload)
        if (Failures.classify(e) == Failures.Kind.TRANSIENT) {
            LOG.warnf("transient failure on %s: %s", uri.getPath(), Failures.rootMessage(e));
            return Response.fromResponse(problem(503, "Service unavailable", "the database is busy or restarting (" + Failures.rootMessage(e)
                    .replaceAll("^[\\w.$]+: ", "") + "); try again shortly", uri, null)).header("Retry-After", "1").build();
        }
        // a bug: the caller gets an id to hand to whoever reads the log, where the whole failure is under it
        String errorId = java.util.UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s on %s: %s", errorId, uri.getPath(), Failures.rootMessage(e));
        return problem(500, "Internal error", "the request failed for a reason of ours, not of the request; the service log has it as error "
                + errorId, uri, null);
    }

    /** What the database refused of a value, in words a caller can act on: the column or rule it names. */
    static String refusedValue(String state, String message) {
        java.util.regex.Matcher column = java.util.regex.Pattern.compile("column \"([^\"]+)\"").matcher(message);
        java.util.regex.Matcher constraint = java.util.regex.Pattern.compile("constraint \"([^\"]+)\"").matcher(message);
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("character varying\\((\\d+)\\)").matcher(message);
        if (state.equals("23502")) {
            return "a required value is missing" + (column.find() ? " (" + column.group(1) + ")" : "");
        }
        if (state.equals("23514")) {
            return "a value breaks the rule " + (constraint.find() ? constraint.group(1) : "of the record");
        }
        if (state.equals("22001")) {
            return "a value is longer than " + (length.find() ? length.group(1) + " characters" : "the field takes");
        }
        return "a value is not acceptable: " + message.lines().findFirst().orElse(message).replaceFirst("^ERROR: ", "");
    }

    private static String constraintOf(SQLException e) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("constraint \"([^\"]+)\"").matcher(String.valueOf(e.getMessage()));
        return m.find() ? m.group(1) : "a constraint";
    }

    private static Response problem(int status, String title, String detail, UriInfo uri, List<FieldError> errors) {
        return problem(status, title, detail, uri == null ? null : uri.getPath(), errors);
    }

    public static Response problem(int status, String title, String detail, String instance, List<FieldError> errors) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", title, status, detail, instance, errors, null))
                .build();
    }

    /** {@code create.request.sponsors[0]} becomes {@code sponsors[0]}: the method and parameter mean nothing to a caller. */
    private static String fieldOf(ConstraintViolation<?> violation) {
        List<Path.Node> nodes = StreamSupport.stream(violation.getPropertyPath().spliterator(), false).toList();
        StringBuilder field = new StringBuilder();
        for (Path.Node node : nodes) {
            if (node.getKind() == jakarta.validation.ElementKind.METHOD || node.getKind() == jakarta.validation.ElementKind.PARAMETER) {
                continue;
            }
            // a node in a list carries the index of the element it is in: sponsors[0], records[3].at
            if (node.isInIterable() && node.getIndex() != null) {
                field.append('[').append(node.getIndex()).append(']');
            }
            if (node.getKind() != jakarta.validation.ElementKind.CONTAINER_ELEMENT) {
                if (field.length() > 0) {
                    field.append('.');
                }
                field.append(node.getName());
            }
        }
        if (field.length() == 0) {
            // a constraint on a query parameter: the parameter's name
            return nodes.isEmpty() ? "body" : nodes.get(nodes.size() - 1).getName();
        }
        return field.toString();
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (field.length() > 0) {
                    field.append('.');
                }
                field.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                field.append('[').append(ref.getIndex()).append(']');
            }
        }
        return field.length() == 0 ? "body" : field.toString();
    }
}
