package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/**
 * An access package was created or changed (a new version): what it bundles, who owns it and who
 * changed it. Packages are what partners request; each version stays readable at review-service.
 */
public record AccessPackageChanged(
        String packageId,
        int version,
        String change,
        String name,
        String scenarioId,
        List<String> owners,
        List<PackageResource> resources,
        String changedBy,
        Instant changedAt) implements EventPayload {

    /** A resource of the package and the role a request gives on it. */
    public record PackageResource(String resourceId, String role) {
    }

    @Override
    public EventType eventType() {
        return EventType.ACCESS_PACKAGE_CHANGED;
    }

    /** Every version of a package on one partition, in order. */
    @Override
    public String key() {
        return packageId;
    }
}
