package dev.portcullis.review.rest;

import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.review.domain.ReviewItem;
import dev.portcullis.review.service.ReviewItems;
import dev.portcullis.backbone.rest.Page;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.time.Instant;
import java.util.UUID;
import dev.portcullis.backbone.rest.Actor;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/my/review-items")
@Tag(name = "my review items", description = "What the caller must review")
public class MyReviewItemsResource {

    @Inject
    ReviewItems items;

    @Inject
    Actor actor;

    public record ReviewItemView(UUID id, UUID grantId, UUID guestId, UUID resourceId, String reviewer, ReviewItem.State state, Instant openedAt) {
        static ReviewItemView of(ReviewItem i) {
            return new ReviewItemView(i.id, i.grantId, i.guestId, i.resourceId, i.reviewer, i.state, i.openedAt);
        }
    }

    @GET
    @RolesAllowed({Roles.OWNER, Roles.ADMIN})
    @Operation(summary = "The caller's pending review items", description = "Items assigned to the email in the caller's token that are still OPEN. "
            + "An item whose grant was revoked (for instance by a partner signal) closes by itself and leaves this list.")
    public Page<ReviewItemView> mine() {
        return new Page<>(items.pendingFor(actor.email()).stream().map(ReviewItemView::of).toList(), null);
    }
}
