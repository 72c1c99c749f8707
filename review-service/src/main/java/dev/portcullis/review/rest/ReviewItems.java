package dev.portcullis.review.rest;

import dev.portcullis.backbone.rest.Page;
import dev.portcullis.readmodel.KnownGuest;
import dev.portcullis.readmodel.KnownResource;
import dev.portcullis.review.service.Campaigns;
import dev.portcullis.review.domain.Campaign;
import dev.portcullis.review.domain.ReviewItem;
import dev.portcullis.review.rest.ReviewItemResource.EarlierDecision;
import dev.portcullis.review.rest.ReviewItemResource.ItemView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Items as reviewers and auditors see them: with the guest and the resource from the read model, a page's worth in two queries. */
@ApplicationScoped
public class ReviewItems {

    @Inject
    EntityManager em;

    @Inject
    Campaigns campaigns;

    public Page<ItemView> view(Page<ReviewItem> page, boolean forReviewer) {
        return new Page<>(views(page.items(), forReviewer), page.nextCursor());
    }

    /**
     * The items as {@code forReviewer} (their reviewer) or an admin or auditor sees them: the earlier stages'
     * decisions always for the latter, for a reviewer only where the definition shows them.
     */
    public List<ItemView> views(List<ReviewItem> items, boolean forReviewer) {
        List<UUID> guestIds = items.stream().map(i -> i.guestId).distinct().toList();
        List<UUID> resourceIds = items.stream().map(i -> i.resourceId).distinct().toList();
        Map<UUID, KnownGuest> guests = guestIds.isEmpty() ? Map.of()
                : KnownGuest.<KnownGuest>list("guestId in ?1", guestIds).stream().collect(Collectors.toMap(g -> g.guestId, Function.identity()));
        Map<UUID, KnownResource> resources = resourceIds.isEmpty() ? Map.of()
                : KnownResource.<KnownResource>list("resourceId in ?1", resourceIds).stream()
                        .collect(Collectors.toMap(r -> r.resourceId, Function.identity()));
        Map<UUID, List<EarlierDecision>> earlier = earlierDecisions(items, forReviewer);
        return items.stream().map(i -> ItemView.of(i, guests, resources, earlier.getOrDefault(i.id, List.of()))).toList();
    }

    @SuppressWarnings("unchecked")
    private Map<UUID, List<EarlierDecision>> earlierDecisions(List<ReviewItem> items, boolean forReviewer) {
        java.util.Set<UUID> shown = new java.util.HashSet<>();
        Map<UUID, Boolean> campaignShows = new java.util.HashMap<>();
        for (ReviewItem item : items) {
            boolean show = item.stage > 1 && (!forReviewer || campaignShows.computeIfAbsent(item.campaignId,
                    c -> campaigns.spec(Campaign.<Campaign>findById(c).spec).showEarlierDecisions()));
            if (show) {
                shown.add(item.id);
            }
        }
        if (shown.isEmpty()) {
            return Map.of();
        }
        Map<UUID, List<EarlierDecision>> byItem = new java.util.HashMap<>();
        List<Object[]> rows = em.createNativeQuery("select item_id, stage, reviewers, decision, justification, decided_by, decided_at"
                + " from review_stage_decision where item_id in (:items) order by item_id, stage").setParameter("items", shown).getResultList();
        for (Object[] row : rows) {
            byItem.computeIfAbsent((UUID) row[0], id -> new java.util.ArrayList<>()).add(new EarlierDecision(((Number) row[1]).intValue(),
                    List.of((String[]) row[2]), row[3] == null ? null : ReviewItem.Decision.valueOf((String) row[3]), (String) row[4], (String) row[5],
                    (java.time.Instant) row[6]));
        }
        return byItem;
    }

    /** The reviewer's open items of running campaigns (optionally one campaign's), keyset-paged by id; the reviewers index answers it. */
    @SuppressWarnings("unchecked")
    public Page<ItemView> pendingFor(String reviewer, UUID campaignId, String limit, String cursor) {
        int size = Page.limit(limit);
        UUID after = Page.decode(cursor);
        List<ReviewItem> rows = em.createNativeQuery("select i.* from review_item i where i.reviewers @> cast(array[:me] as varchar[])"
                + " and i.state = 'OPEN' and (cast(:campaign as uuid) is null or i.campaign_id = cast(:campaign as uuid))"
                + " and (cast(:after as uuid) is null or i.id > cast(:after as uuid)) order by i.id limit :n", ReviewItem.class)
                .setParameter("me", reviewer.toLowerCase(Locale.ROOT)).setParameter("campaign", campaignId == null ? null : campaignId.toString())
                .setParameter("after", after == null ? null : after.toString()).setParameter("n", size + 1).getResultList();
        return view(Page.of(rows, size, i -> i.id, i -> i), true);
    }
}
