package dev.portcullis.review.rest;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.portcullis.events.CampaignCompleted;
import dev.portcullis.readmodel.KnownGuest;
import dev.portcullis.readmodel.KnownResource;
import dev.portcullis.review.service.Campaigns;
import dev.portcullis.review.service.DefinitionSpec;
import dev.portcullis.review.domain.Campaign;
import dev.portcullis.review.domain.ReviewDefinition;
import dev.portcullis.review.domain.ReviewItem;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What review-service's REST API answers and takes, beside {@link DefinitionSpec}. */
public final class Views {

    private Views() {
    }

    public record DefinitionView(UUID id, @JsonUnwrapped DefinitionSpec definition, Instant nextStartAt, String createdBy, Instant createdAt) {
        static DefinitionView of(ReviewDefinition d, DefinitionSpec spec) {
            return new DefinitionView(d.id, spec, d.nextStartAt, d.createdBy, d.createdAt);
        }
    }

    public record CampaignView(UUID id, UUID definitionId, String name, Campaign.State state, String startedBy, Instant startedAt, Instant endsAt,
            int stage, int stages, Instant stageEndsAt, Instant completedAt, Instant appliedAt, Instant cancelledAt, boolean applyHeld,
            String applyHeldReason, CampaignCompleted.Counts counts) {
        static CampaignView of(Campaign c, Campaigns campaigns) {
            return of(c, campaigns.spec(c.spec).stages().size(), campaigns.counts(c.id));
        }

        private static CampaignView of(Campaign c, int stages, CampaignCompleted.Counts counts) {
            return new CampaignView(c.id, c.definitionId, c.name, c.state, c.startedBy, c.startedAt, c.endsAt, c.stage, stages, c.stageEndsAt,
                    c.completedAt, c.appliedAt, c.cancelledAt, c.applyHeld, c.applyHeldReason, counts);
        }
    }

    /** An item with what a reviewer needs to decide: the guest, their partner and last sign-in, the resource and its sensitivity. */
    public record ItemView(UUID id, UUID campaignId, UUID grantId, UUID guestId, String guestEmail, UUID partnerId, Instant lastSignInAt,
            UUID resourceId, String resourceName, String sensitivity, int stage, List<String> reviewers, ReviewItem.State state,
            ReviewItem.Decision recommendation, String recommendationReason, ReviewItem.Decision decision, String justification, String decidedBy,
            Instant decidedAt, List<EarlierDecision> earlierDecisions, ReviewItem.Outcome outcome, String closedReason) {

        static ItemView of(ReviewItem i, Map<UUID, KnownGuest> guests, Map<UUID, KnownResource> resources, List<EarlierDecision> earlier) {
            KnownGuest g = guests.get(i.guestId);
            KnownResource r = resources.get(i.resourceId);
            return new ItemView(i.id, i.campaignId, i.grantId, i.guestId, g == null ? null : g.email, g == null ? null : g.partnerId,
                    g == null ? null : g.lastSignInAt, i.resourceId, r == null ? null : r.name, r == null ? null : r.sensitivity, i.stage,
                    List.of(i.reviewers), i.state, i.recommendation, i.recommendationReason, i.decision, i.justification, i.decidedBy, i.decidedAt,
                    earlier, i.outcome, i.closedReason);
        }
    }

    /** What an earlier stage of a multi-stage review decided on an item (null: nobody decided). */
    public record EarlierDecision(int stage, List<String> reviewers, ReviewItem.Decision decision, String justification, String decidedBy,
            Instant decidedAt) {
    }

    public record DecisionRequest(@NotNull ReviewItem.Decision decision, @Size(max = 2000) String justification) {
    }
}
