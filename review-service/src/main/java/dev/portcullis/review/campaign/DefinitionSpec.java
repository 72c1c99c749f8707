package dev.portcullis.review.campaign;

import dev.portcullis.backbone.rest.BadRequestProblem;
import dev.portcullis.backbone.rest.EmailAddress;
import dev.portcullis.events.Sensitivity;
import dev.portcullis.review.domain.Recurrence;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A review definition as posted (API.md), kept as JSON on the definition and copied onto each campaign
 * when it starts. Field rules are Bean Validation's; the rules across fields are {@link #check()}'s.
 */
public record DefinitionSpec(
        @NotBlank @Size(max = 200) String name,
        @Valid Scope scope,
        @NotNull Reviewers reviewers,
        @Size(max = 50) List<@NotBlank @EmailAddress String> namedReviewers,
        @Size(max = 20) List<@NotBlank @EmailAddress String> fallbackReviewers,
        @NotNull Recurrence recurrence,
        @NotNull @Min(value = 1, message = "must be 1 to 180 days") @Max(value = 180, message = "must be 1 to 180 days") Integer durationDays,
        @Min(1) @Max(730) Integer recommendInactiveDays,
        DefaultDecision defaultDecision,
        Boolean autoApply,
        Boolean justificationRequired,
        @Size(max = 10) List<@NotNull @Min(0) Integer> reminderDaysBeforeEnd,
        Instant startAt) {

    /** Which grants a campaign covers: active grants of guests, narrowed by each filter given. */
    public record Scope(
            @Size(max = 500) List<@NotNull UUID> partnerIds,
            @Size(max = 500) List<@NotNull UUID> resourceIds,
            Sensitivity minSensitivity,
            @Min(value = 1, message = "must be 1 to 730 days") @Max(value = 730, message = "must be 1 to 730 days") Integer inactiveDays) {
    }

    public enum Reviewers { RESOURCE_OWNERS, SPONSORS, SELF, NAMED }

    /** What an item nobody decided becomes: left alone, approved, denied, or what it was recommended. */
    public enum DefaultDecision { NONE, APPROVE, DENY, RECOMMENDATION }

    public static final int DEFAULT_RECOMMEND_INACTIVE_DAYS = 30;

    /** The rules that span fields; each refusal names the field. */
    public void check() {
        if (durationDays == null || recurrence == null || reviewers == null) {
            return; // refused by Bean Validation already
        }
        if (recurrence != Recurrence.ONCE && recurrence.shortestDays() < durationDays) {
            throw new BadRequestProblem("recurrence", recurrence + " starts a campaign every " + recurrence.shortestDays()
                    + " days or more; a campaign of " + durationDays + " days would overlap the next: shorten durationDays or recur less often");
        }
        if (reviewers == Reviewers.NAMED && namedReviewers.isEmpty()) {
            throw new BadRequestProblem("namedReviewers", "must list the reviewers when reviewers is NAMED");
        }
        if (reviewers != Reviewers.NAMED && !namedReviewers.isEmpty()) {
            throw new BadRequestProblem("namedReviewers", "only for reviewers NAMED");
        }
        if ((reviewers == Reviewers.RESOURCE_OWNERS || reviewers == Reviewers.SPONSORS) && fallbackReviewers.isEmpty()) {
            throw new BadRequestProblem("fallbackReviewers", "required when reviewers is " + reviewers + ": a guest may have no sponsor left and a"
                    + " resource no owner, and their items must still reach someone");
        }
        for (Integer days : reminderDaysBeforeEnd) {
            if (days >= durationDays) {
                throw new BadRequestProblem("reminderDaysBeforeEnd", "each must be fewer than durationDays (" + durationDays + "); " + days + " is not");
            }
        }
    }

    /** Defaults for what is absent, so the stored definition says what it does. */
    public DefinitionSpec {
        scope = scope == null ? new Scope(null, null, null, null) : scope;
        namedReviewers = namedReviewers == null ? List.of() : namedReviewers;
        fallbackReviewers = fallbackReviewers == null ? List.of() : fallbackReviewers;
        recommendInactiveDays = recommendInactiveDays == null ? DEFAULT_RECOMMEND_INACTIVE_DAYS : recommendInactiveDays;
        defaultDecision = defaultDecision == null ? DefaultDecision.NONE : defaultDecision;
        autoApply = autoApply != null && autoApply;
        justificationRequired = justificationRequired != null && justificationRequired;
        reminderDaysBeforeEnd = reminderDaysBeforeEnd == null ? List.of()
                : reminderDaysBeforeEnd.contains(null) ? reminderDaysBeforeEnd : reminderDaysBeforeEnd.stream().distinct().sorted().toList();
    }
}
