package dev.portcullis.backbone.policy;

import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.events.AccessPackageChanged.PackageResource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The authority an approved access request is delivered with, as the policies are asked about it: the package's, not whoever
 * decided last. Each resource is granted in the name of whoever offered it in the package (an admin, or an owner of the resource
 * when the package was saved), and the completed approval chain carries the owners' consent a self-service scenario asks for only
 * where one of the obligation's approvers decided. One place, so review-service's preview on the approver's card asks exactly
 * what inventory-service's delivery asks.
 */
public final class PackageDelivery {

    /** A request delivered with no approval stage: nobody approved it. */
    public static final String NOBODY = "portcullis";

    private PackageDelivery() {
    }

    /**
     * The AuthZEN {@code context.requester} of a delivery's question about {@code resource}: the offerer with the role they offered
     * it in, and the package and approvers for the decision log. An offer not recorded (an approval from before offers were) falls
     * back to the last approver as an owner, as deliveries asked before.
     */
    public static Map<String, Object> requester(String packageId, PackageResource resource, String approvedBy, List<String> approvers) {
        Map<String, Object> requester = new LinkedHashMap<>();
        if (resource.offeredBy() != null) {
            requester.put("id", resource.offeredBy());
            requester.put("roles", List.of("ADMIN".equals(resource.offeredAs()) ? Roles.ADMIN : Roles.OWNER));
        } else {
            requester.put("id", approvedBy);
            requester.put("roles", NOBODY.equals(approvedBy) ? List.of() : List.of(Roles.OWNER));
        }
        requester.put("accessPackage", packageId);
        requester.put("approvers", List.copyOf(approvers));
        return requester;
    }

    /**
     * The obligations of an answer that a delivery with these approvers cannot carry out: anything but an expiry or a directory
     * visibility (for resource servers), and an owners' approval that none of its approvers gave. Empty: the delivery may go on.
     */
    public static List<Map<String, Object>> unmet(List<Map<String, Object>> obligations, Collection<String> approvers) {
        List<Map<String, Object>> unmet = new ArrayList<>();
        for (Map<String, Object> obligation : obligations) {
            String type = String.valueOf(obligation.get("type"));
            boolean met = switch (type) {
                case "expiresAt", "directoryVisibility" -> true;
                case "ownerApproval" -> obligation.get("approvers") instanceof Collection<?> owners
                        && approvers.stream().anyMatch(a -> owners.stream().anyMatch(o -> String.valueOf(o).equalsIgnoreCase(a)));
                default -> false;
            };
            if (!met) {
                unmet.add(obligation);
            }
        }
        return unmet;
    }

    /** What a person reads of an unmet obligation. */
    public static String explain(Map<String, Object> obligation) {
        return "ownerApproval".equals(obligation.get("type"))
                ? "the policies allow this only with the approval of an owner of the resource (" + obligation.get("approvers")
                        + "), and none of them approved it"
                : "the policies attach an obligation inventory-service cannot carry out: " + obligation.get("type");
    }
}
