package dev.portcullis.review.service;

import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.rest.EmailAddress;
import jakarta.validation.Valid;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * An access package as posted (API.md): the resources it bundles with a role on each, its scenario and
 * owners, and its request policy. Field rules are Bean Validation's; the rules across fields are
 * {@link #check(Instant)}'s. Kept as JSON on the package, and on each of its versions.
 */
public record PackageSpec(
        @NotBlank @Size(max = 200) String name,
        @NotNull UUID scenarioId,
        @NotNull @Size(min = 1, max = 20, message = "a package has 1 to 20 owners") List<@NotBlank @EmailAddress String> owners,
        @NotNull @Size(min = 1, max = 50, message = "a package bundles 1 to 50 resources") List<@NotNull @Valid PackageResource> resources,
        @NotNull @Valid RequestPolicy requestPolicy) {

    /**
     * A resource of the package and the role a delivered request gives on it; {@code offeredBy} and {@code offeredAs} (ADMIN or
     * OWNER) say who put it there, recorded by review-service when the package is saved (what a caller sends of them is ignored):
     * a delivery acts with that authority.
     */
    public record PackageResource(@NotNull UUID resourceId, @NotBlank @Size(max = 64) String role,
            @Schema(readOnly = true, description = "who put the resource in the package (set by review-service)") String offeredBy,
            @Schema(readOnly = true, description = "ADMIN, or OWNER: an owner of the resource when it was put there") String offeredAs) {

        public PackageResource(UUID resourceId, String role) {
            this(resourceId, role, null, null);
        }

        public PackageResource offeredBy(String by, String as) {
            return new PackageResource(resourceId, role, by, as);
        }
    }

    /** This spec with these resources (their offers recorded). */
    public PackageSpec withResources(List<PackageResource> offered) {
        return new PackageSpec(name, scenarioId, owners, offered, requestPolicy);
    }

    /**
     * Who may request, who approves (no stage: nobody, a request is delivered at once), what happens at
     * a stage's deadline, how long an assignment lives (days, or until a date: one of them), whether a
     * new request extends it, and what the requester must answer.
     */
    public record RequestPolicy(
            @NotNull @Valid Who who,
            @Size(max = 3, message = "a request has at most 3 approval stages") List<@NotNull @Valid ApprovalStage> approvalStages,
            OnDeadline onDeadline,
            @Min(value = 1, message = "must be 1 to 3650 days") @Max(value = 3650, message = "must be 1 to 3650 days") Integer lifetimeDays,
            Instant until,
            Boolean extendable,
            @Size(max = 10) List<@NotNull @Valid Question> questions) {

        public RequestPolicy {
            approvalStages = approvalStages == null ? List.of() : approvalStages;
            onDeadline = onDeadline == null ? OnDeadline.DENY : onDeadline;
            extendable = extendable != null && extendable;
            questions = questions == null ? List.of() : questions;
        }
    }

    /**
     * Who may request: the guests and people of the named partners, the people of any CONNECTED partner
     * (an address of one of its domains, guest or not yet), or existing guests only; people of an
     * organization not known yet only where {@code allowProposedPartners}.
     */
    public record Who(@NotNull Requesters type, @Size(max = 100) List<@NotNull UUID> partnerIds, Boolean allowProposedPartners) {
        public Who {
            partnerIds = partnerIds == null ? List.of() : partnerIds;
            allowProposedPartners = allowProposedPartners != null && allowProposedPartners;
        }
    }

    public enum Requesters { NAMED_PARTNERS, CONNECTED_PARTNERS, EXISTING_GUESTS }

    /** One approval stage: its approvers (the fallback where none resolves, and at the deadline under ESCALATE), its deadline. */
    public record ApprovalStage(
            @NotNull Approvers approvers,
            @Size(max = 50) List<@NotBlank @EmailAddress String> namedApprovers,
            @Size(max = 20) List<@NotBlank @EmailAddress String> fallbackApprovers,
            @NotNull @Min(value = 1, message = "must be 1 to 90 days") @Max(value = 90, message = "must be 1 to 90 days") Integer deadlineDays,
            Boolean justificationRequired) {

        public ApprovalStage {
            namedApprovers = namedApprovers == null ? List.of() : namedApprovers;
            fallbackApprovers = fallbackApprovers == null ? List.of() : fallbackApprovers;
            justificationRequired = justificationRequired != null && justificationRequired;
        }
    }

    public enum Approvers { RESOURCE_OWNERS, SPONSORS, PACKAGE_OWNERS, NAMED }

    /** At a stage's deadline without a decision: the request is denied, or goes to the stage's fallback approvers. */
    public enum OnDeadline { DENY, ESCALATE }

    /** A question the requester answers; the approvers see the answers. */
    public record Question(@NotBlank @Size(max = 64) String id, @NotBlank @Size(max = 500) String text, Boolean required) {
        public Question {
            required = required == null || required;
        }
    }

    /** Lower-case owners, without repeats. */
    public PackageSpec {
        owners = owners == null ? null : owners.stream().map(o -> o == null ? null : o.toLowerCase(Locale.ROOT)).distinct().toList();
    }

    /** The rules that span fields; each refusal names the field. */
    public void check(Instant now) {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < resources.size(); i++) {
            if (!seen.add(resources.get(i).resourceId())) {
                throw new BadRequestProblem("resources[" + i + "].resourceId", "is in the package already: one role per resource");
            }
        }
        RequestPolicy policy = requestPolicy;
        if (policy.lifetimeDays() == null && policy.until() == null) {
            throw new BadRequestProblem("requestPolicy.lifetimeDays", "is required (or until): an assignment to a partner's people ends");
        }
        if (policy.lifetimeDays() != null && policy.until() != null) {
            throw new BadRequestProblem("requestPolicy.until", "only one of lifetimeDays and until");
        }
        if (policy.until() != null && !policy.until().isAfter(now)) {
            throw new BadRequestProblem("requestPolicy.until", "must be in the future");
        }
        Who who = policy.who();
        if (who.type() == Requesters.NAMED_PARTNERS && who.partnerIds().isEmpty()) {
            throw new BadRequestProblem("requestPolicy.who.partnerIds", "must list the partners when who.type is NAMED_PARTNERS");
        }
        if (who.type() != Requesters.NAMED_PARTNERS && !who.partnerIds().isEmpty()) {
            throw new BadRequestProblem("requestPolicy.who.partnerIds", "only for who.type NAMED_PARTNERS");
        }
        for (int i = 0; i < policy.approvalStages().size(); i++) {
            ApprovalStage stage = policy.approvalStages().get(i);
            String at = "requestPolicy.approvalStages[" + i + "].";
            if (stage.approvers() == Approvers.NAMED && stage.namedApprovers().isEmpty()) {
                throw new BadRequestProblem(at + "namedApprovers", "must list the approvers when approvers is NAMED");
            }
            if (stage.approvers() != Approvers.NAMED && !stage.namedApprovers().isEmpty()) {
                throw new BadRequestProblem(at + "namedApprovers", "only for approvers NAMED");
            }
            if ((stage.approvers() == Approvers.RESOURCE_OWNERS || stage.approvers() == Approvers.SPONSORS) && stage.fallbackApprovers().isEmpty()) {
                throw new BadRequestProblem(at + "fallbackApprovers", "required when approvers is " + stage.approvers()
                        + ": a resource may have no owner left and a requester no sponsor yet, and the request must still reach someone");
            }
            if (policy.onDeadline() == OnDeadline.ESCALATE && stage.fallbackApprovers().isEmpty()) {
                throw new BadRequestProblem(at + "fallbackApprovers", "required when onDeadline is ESCALATE: the request escalates to them");
            }
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < policy.questions().size(); i++) {
            if (!ids.add(policy.questions().get(i).id())) {
                throw new BadRequestProblem("requestPolicy.questions[" + i + "].id", "is asked already: each question has its own id");
            }
        }
    }
}
