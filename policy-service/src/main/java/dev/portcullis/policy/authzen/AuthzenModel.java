package dev.portcullis.policy.authzen;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The messages of the OpenID AuthZEN Authorization API 1.0 (evaluation and evaluations). */
public final class AuthzenModel {

    private AuthzenModel() {
    }

    /**
     * A subject or a resource: {@code {type, id, properties}}. Attributes some clients send beside
     * {@code type} and {@code id} instead of inside {@code properties} (the interop drafts'
     * {@code ownerID}, {@code identity}) are kept as properties too; {@code properties} wins a clash.
     */
    public static final class Entity {

        @NotBlank
        @Size(max = 255)
        private final String type;

        @NotBlank
        @Size(max = 1024)
        private final String id;

        private final Map<String, Object> properties;
        @JsonIgnore
        private final Map<String, Object> beside = new LinkedHashMap<>();

        @JsonCreator
        public Entity(@JsonProperty("type") String type, @JsonProperty("id") String id, @JsonProperty("properties") Map<String, Object> properties) {
            this.type = type;
            this.id = id;
            this.properties = properties;
        }

        @JsonAnySetter
        void beside(String name, Object value) {
            if (beside.size() < 100) {
                beside.put(name, value);
            }
        }

        public String type() {
            return type;
        }

        public String id() {
            return id;
        }

        /** As the client sent it (null when it sent none). */
        public Map<String, Object> properties() {
            return properties;
        }

        /** Every attribute: those beside type and id, then {@code properties} over them. */
        public Map<String, Object> props() {
            if (beside.isEmpty()) {
                return properties == null ? Map.of() : properties;
            }
            Map<String, Object> all = new LinkedHashMap<>(beside);
            if (properties != null) {
                all.putAll(properties);
            }
            return all;
        }
    }

    public record Action(@NotBlank @Size(max = 255) String name, Map<String, Object> properties) {
    }

    public record EvaluationRequest(@NotNull @Valid Entity subject, @NotNull @Valid Action action, @NotNull @Valid Entity resource,
            Map<String, Object> context) {
    }

    /** One item of a batch: each part it names replaces the request's default. */
    public record EvaluationItem(@Valid Entity subject, @Valid Action action, @Valid Entity resource, Map<String, Object> context) {
    }

    public record Options(@JsonProperty("evaluations_semantic") Semantic evaluationsSemantic) {
    }

    public enum Semantic {
        @JsonProperty("execute_all") EXECUTE_ALL,
        @JsonProperty("deny_on_first_deny") DENY_ON_FIRST_DENY,
        @JsonProperty("permit_on_first_permit") PERMIT_ON_FIRST_PERMIT
    }

    public record EvaluationsRequest(@Valid Entity subject, @Valid Action action, @Valid Entity resource, Map<String, Object> context,
            @Size(max = 1000) List<@NotNull @Valid EvaluationItem> evaluations, Options options) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EvaluationResponse(boolean decision, Object context) {
    }

    /**
     * A decision's context as AuthZEN answers it: why, what the caller must do, what report-only policies would say, the policy
     * versions that took part, and {@code decisionId}, the decision log's entry (its id in GET /api/v1/decisions), which a PEP records
     * beside what it did (inventory: on the grant's audit record).
     */
    public record LoggedContext(@com.fasterxml.jackson.annotation.JsonUnwrapped dev.portcullis.policy.engine.Decision.Context context,
            java.util.UUID decisionId) {
    }

    public record EvaluationsResponse(List<EvaluationResponse> evaluations) {
    }

    /** What a search names: a type, and for the side that is not searched for, an id. */
    public record Searched(@NotBlank @Size(max = 255) String type, @Size(max = 1024) String id, Map<String, Object> properties) {

        Entity entity() {
            return new Entity(type, id, properties);
        }
    }

    /** Paging of a search: the token a previous page returned, and how many results at most (default 50, at most 500). */
    public record PageRequest(@Size(max = 255) String token, Integer limit) {
    }

    /** The three search APIs' request: subject search names no subject id, resource search no resource id, action search no action. */
    public record SearchRequest(@NotNull @Valid Searched subject, @Valid Action action, @NotNull @Valid Searched resource,
            Map<String, Object> context, @Valid PageRequest page) {
    }

    /** {@code next_token} is empty when there is nothing more. */
    public record PageResponse(@JsonProperty("next_token") String nextToken) {
    }

    public record SearchResponse(List<?> results, PageResponse page) {
    }

    public record Found(String type, String id) {
    }

    public record FoundAction(String name) {
    }
}
