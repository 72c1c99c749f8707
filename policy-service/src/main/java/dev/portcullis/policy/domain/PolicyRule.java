package dev.portcullis.policy.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.portcullis.events.Sensitivity;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * What a policy checks, one rule per policy. One flat shape for every type, so that a problem
 * document names the field ({@code rule.blockDomains}); {@link PolicyRules#validate} says which
 * fields each type takes, and refuses the others.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyRule(
        @NotNull Type type,
        /** PARTNER_DOMAINS: the only email domains allowed (with their subdomains). */
        List<String> allowDomains,
        /** PARTNER_DOMAINS: email domains refused (with their subdomains). */
        List<String> blockDomains,
        /** PARTNER_STATE: the partner states a guest's organization may be in (CONNECTED, PROPOSED). */
        List<PartnerState> allowedStates,
        /** SENSITIVITY_CEILING: the most sensitive resource a guest may hold. */
        Sensitivity maxSensitivity,
        /** MAX_GRANT_DURATION: an ISO-8601 period, P90D. */
        String maxDuration,
        /** SPONSORS_REQUIRED: 1-5. */
        Integer minSponsors,
        /** MAX_INACTIVITY_DAYS: days without a sign-in after which access is refused. */
        Integer maxInactiveDays,
        /** DIRECTORY_VISIBILITY: what a guest in scope may see of other users. */
        Visibility visibility,
        /** CONDITION: a CEL expression over subject, resource, action and context that must be true. */
        String expression,
        /** CONDITION: what a denial says. */
        String message) {

    public enum Type {
        PARTNER_DOMAINS, PARTNER_STATE, SENSITIVITY_CEILING, MAX_GRANT_DURATION, SPONSORS_REQUIRED, INVITERS, MAX_INACTIVITY_DAYS,
        DIRECTORY_VISIBILITY, CONDITION
    }

    public enum PartnerState { CONNECTED, PROPOSED, BLOCKED }

    public enum Visibility { NONE, SAME_PARTNER, ALL }
}
