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

    /**
     * A resource of the package and the role a request gives on it, with who offered it there: {@code offeredBy} (an address) as
     * {@code offeredAs} {@code ADMIN} or {@code OWNER} (an owner of the resource when the package was saved). A delivery acts with
     * that authority, not the last approver's. Both null in events written before offers were recorded.
     */
    public record PackageResource(String resourceId, String role, String offeredBy, String offeredAs) {

        public PackageResource(String resourceId, String role) {
            this(resourceId, role, null, null);
        }
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
