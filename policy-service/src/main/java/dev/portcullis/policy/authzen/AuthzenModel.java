package dev.portcullis.policy.authzen;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/** The messages of the OpenID AuthZEN Authorization API 1.0 (evaluation and evaluations). */
public final class AuthzenModel {

    private AuthzenModel() {
    }

    /** A subject or a resource: {@code {type, id, properties}}. */
    public record Entity(@NotBlank @Size(max = 255) String type, @NotBlank @Size(max = 1024) String id, Map<String, Object> properties) {

        public Map<String, Object> props() {
            return properties == null ? Map.of() : properties;
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

    public record EvaluationsResponse(List<EvaluationResponse> evaluations) {
    }
}
