package dev.portcullis.policy.domain;

import dev.portcullis.events.Sensitivity;
import java.util.List;
import java.util.UUID;

/**
 * Which decisions a policy takes part in: those about resources of these scenarios, guests of these
 * partners, resources at least this sensitive. An empty list or a missing value means "any".
 */
public record PolicyScope(List<UUID> scenarioIds, List<UUID> partnerIds, Sensitivity minSensitivity) {

    public static final PolicyScope ANY = new PolicyScope(List.of(), List.of(), null);

    public PolicyScope {
        scenarioIds = scenarioIds == null ? List.of() : List.copyOf(scenarioIds);
        partnerIds = partnerIds == null ? List.of() : List.copyOf(partnerIds);
    }

    /** Whether the scope names resources (by scenario or sensitivity): then a decision without a resource is outside it. */
    public boolean aboutResources() {
        return !scenarioIds.isEmpty() || minSensitivity != null;
    }
}
