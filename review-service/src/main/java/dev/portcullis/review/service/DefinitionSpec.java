package dev.portcullis.review.service;

import dev.portcullis.backbone.problem.BadRequestProblem;
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
        Instant startAt,
        @Size(max = 2, message = "a review has at most 3 stages: the first and 2 later ones") List<@NotNull @Valid LaterStage> laterStages,
        Boolean showEarlierDecisions) {

    /**
     * A stage after the first (whose reviewers and duration are the definition's own): its reviewers,
     * its duration, and which items of the stage before move on to it; the others keep that stage's
     * decision (or the default) as their outcome.
     */
    public record LaterStage(
            @NotNull Reviewers reviewers,
            @Size(max = 50) List<@NotBlank @EmailAddress String> namedReviewers,
            @Size(max = 20) List<@NotBlank @EmailAddress String> fallbackReviewers,
            @NotNull @Min(value = 1, message = "must be 1 to 180 days") @Max(value = 180, message = "must be 1 to 180 days") Integer durationDays,
            @Size(max = 5) List<@NotNull Proceed> proceed) {

        public LaterStage {
            namedReviewers = namedReviewers == null ? List.of() : namedReviewers;
            fallbackReviewers = fallbackReviewers == null ? List.of() : fallbackReviewers;
            proceed = proceed == null || proceed.isEmpty() ? List.of(Proceed.ALL) : proceed;
        }
    }

    /** Which items of the stage before move on: by the decision they got there. */
    public enum Proceed { APPROVED, DENIED, NOT_REVIEWED, DONT_KNOW, ALL }

    /** One stage as a campaign runs it (1-based {@code number}); the first stage's {@code proceed} is empty. */
    public record Stage(int number, Reviewers reviewers, List<String> namedReviewers, List<String> fallbackReviewers, int durationDays,
            List<Proceed> proceed) {
    }

    /** Every stage, the first from the definition's own reviewers and duration. */
    public List<Stage> stages() {
        List<Stage> stages = new java.util.ArrayList<>();
        stages.add(new Stage(1, reviewers, namedReviewers, fallbackReviewers, durationDays, List.of()));
        for (LaterStage later : laterStages) {
            stages.add(new Stage(stages.size() + 1, later.reviewers(), later.namedReviewers(), later.fallbackReviewers(), later.durationDays(),
                    later.proceed()));
        }
        return stages;
    }

    /** The days from the start to the end of the last stage. */
    public int totalDays() {
        return durationDays + laterStages.stream().mapToInt(LaterStage::durationDays).sum();
    }

    /**
     * Which grants a campaign covers: active grants of guests, narrowed by each filter given; {@code packageIds}: only the
     * assignments of those access packages (grants delivered by their requests).
     */
    public record Scope(
            @Size(max = 500) List<@NotNull UUID> partnerIds,
            @Size(max = 500) List<@NotNull UUID> resourceIds,
            Sensitivity minSensitivity,
            @Min(value = 1, message = "must be 1 to 730 days") @Max(value = 730, message = "must be 1 to 730 days") Integer inactiveDays,
            @Size(max = 100) List<@NotNull UUID> packageIds) {
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
        if (laterStages.stream().anyMatch(stage -> stage.reviewers() == null || stage.durationDays() == null)) {
            return; // refused by Bean Validation already
        }
        if (totalDays() > 180) {
            throw new BadRequestProblem("laterStages", "the stages last " + totalDays() + " days together; a review lasts 1 to 180 days");
        }
        if (recurrence != Recurrence.ONCE && recurrence.shortestDays() < totalDays()) {
            throw new BadRequestProblem("recurrence", recurrence + " starts a campaign every " + recurrence.shortestDays()
                    + " days or more; a campaign of " + totalDays() + " days would overlap the next: shorten its stages or recur less often");
        }
        for (Stage stage : stages()) {
            String at = stage.number() == 1 ? "" : "laterStages[" + (stage.number() - 2) + "].";
            if (stage.reviewers() == Reviewers.NAMED && stage.namedReviewers().isEmpty()) {
                throw new BadRequestProblem(at + "namedReviewers", "must list the reviewers when reviewers is NAMED");
            }
            if (stage.reviewers() != Reviewers.NAMED && !stage.namedReviewers().isEmpty()) {
                throw new BadRequestProblem(at + "namedReviewers", "only for reviewers NAMED");
            }
            if ((stage.reviewers() == Reviewers.RESOURCE_OWNERS || stage.reviewers() == Reviewers.SPONSORS) && stage.fallbackReviewers().isEmpty()) {
                throw new BadRequestProblem(at + "fallbackReviewers", "required when reviewers is " + stage.reviewers() + ": a guest may have no"
                        + " sponsor left and a resource no owner, and their items must still reach someone");
            }
            if (stage.proceed().contains(Proceed.ALL) && stage.proceed().size() > 1) {
                throw new BadRequestProblem(at + "proceed", "ALL already moves every item on; name the decisions, or ALL alone");
            }
            for (Integer days : reminderDaysBeforeEnd) {
                if (days >= stage.durationDays()) {
                    throw new BadRequestProblem("reminderDaysBeforeEnd", "each must be fewer than the days of every stage (" + stage.durationDays()
                            + " for stage " + stage.number() + "); " + days + " is not");
                }
            }
        }
    }

    /** Defaults for what is absent, so the stored definition says what it does. */
    public DefinitionSpec {
        scope = scope == null ? new Scope(null, null, null, null, null) : scope;
        namedReviewers = namedReviewers == null ? List.of() : namedReviewers;
        fallbackReviewers = fallbackReviewers == null ? List.of() : fallbackReviewers;
        recommendInactiveDays = recommendInactiveDays == null ? DEFAULT_RECOMMEND_INACTIVE_DAYS : recommendInactiveDays;
        defaultDecision = defaultDecision == null ? DefaultDecision.NONE : defaultDecision;
        autoApply = autoApply != null && autoApply;
        justificationRequired = justificationRequired != null && justificationRequired;
        laterStages = laterStages == null ? List.of() : laterStages;
        showEarlierDecisions = showEarlierDecisions != null && showEarlierDecisions;
        reminderDaysBeforeEnd = reminderDaysBeforeEnd == null ? List.of()
                : reminderDaysBeforeEnd.contains(null) ? reminderDaysBeforeEnd : reminderDaysBeforeEnd.stream().distinct().sorted().toList();
    }
}
