package dev.portcullis.policy.authzen;

import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.policy.authzen.AuthzenModel.Action;
import dev.portcullis.policy.authzen.AuthzenModel.Entity;
import dev.portcullis.policy.authzen.AuthzenModel.Found;
import dev.portcullis.policy.authzen.AuthzenModel.FoundAction;
import dev.portcullis.policy.authzen.AuthzenModel.PageResponse;
import dev.portcullis.policy.authzen.AuthzenModel.SearchRequest;
import dev.portcullis.policy.authzen.AuthzenModel.SearchResponse;
import dev.portcullis.policy.engine.Facts;
import dev.portcullis.policy.service.PolicyStore;
import dev.portcullis.readmodel.KnownGrant;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The AuthZEN search APIs over the access that exists: which guests may act on a resource, which
 * resources a guest may act on, which actions a guest may take on a resource. For subjects and resources of other types (an
 * application's users and records) the candidates are the {@link Directory}'s entities of the type asked, each decided by the
 * policies as an evaluation would be. A guest may {@code access}
 * a resource when they hold an active grant on it and the policies in force allow it; whether they
 * may be granted it ({@code grant}) is the policies' answer alone. The auditor's first questions,
 * answered from the read model page by page (keyset on the id found: {@code next_token}).
 */
@ApplicationScoped
public class AuthzenSearch {

    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;
    /** The actions action search tries, in this order. */
    static final List<String> ACTIONS = List.of(Facts.ACCESS, Facts.GRANT);

    @Inject
    EntityManager em;

    @Inject
    FactsResolver facts;

    @Inject
    PolicyStore policies;

    @Inject
    Directory directory;

    public SearchResponse subjects(SearchRequest request) {
        Action action = required(request.action());
        if (!"guest".equals(request.subject().type())) {
            // an application's users, from the directory
            Entity resource = request.resource().entity();
            required(resource.id(), "resource.id");
            return fromDirectory(request, request.subject().type(), id -> allows(new Entity(request.subject().type(), id, null), action, resource,
                    request.context()));
        }
        UUID resource = portcullisResource(request.resource().type(), request.resource().id(), "resource.id");
        if (resource == null) {
            return empty();
        }
        UUID after = token(request);
        List<UUID> guests = em.createQuery("select distinct g.guestId from KnownGrant g where g.resourceId = :resource and g.state = :active"
                + " and g.guestId > :after order by g.guestId", UUID.class).setParameter("resource", resource).setParameter("active", KnownGrant.ACTIVE)
                .setParameter("after", after).setMaxResults(limit(request)).getResultList();
        List<Found> results = new ArrayList<>();
        for (UUID guest : guests) {
            if (allows(new Entity("guest", guest.toString(), null), action, request.resource().entity(), request.context())) {
                results.add(new Found("guest", guest.toString()));
            }
        }
        return new SearchResponse(results, next(guests, limit(request)));
    }

    public SearchResponse resources(SearchRequest request) {
        Action action = required(request.action());
        if (!FactsResolver.RESOURCE_TYPE.equals(request.resource().type())) {
            // an application's records, from the directory
            Entity subject = request.subject().entity();
            required(subject.id(), "subject.id");
            return fromDirectory(request, request.resource().type(), id -> allows(subject, action, new Entity(request.resource().type(), id, null),
                    request.context()));
        }
        UUID guest = uuid(request.subject().id(), "subject.id");
        if (guest == null) {
            return empty();
        }
        UUID after = token(request);
        List<UUID> resources = em.createQuery("select distinct g.resourceId from KnownGrant g where g.guestId = :guest and g.state = :active"
                + " and g.resourceId > :after order by g.resourceId", UUID.class).setParameter("guest", guest).setParameter("active", KnownGrant.ACTIVE)
                .setParameter("after", after).setMaxResults(limit(request)).getResultList();
        List<Found> results = new ArrayList<>();
        for (UUID resource : resources) {
            if (allows(request.subject().entity(), action, new Entity(FactsResolver.RESOURCE_TYPE, resource.toString(), null), request.context())) {
                results.add(new Found(FactsResolver.RESOURCE_TYPE, resource.toString()));
            }
        }
        return new SearchResponse(results, next(resources, limit(request)));
    }

    public SearchResponse actions(SearchRequest request) {
        if (!FactsResolver.RESOURCE_TYPE.equals(request.resource().type())) {
            // an application's actions on its records: those the directory lists for the resource's type, each asked of the policies
            Entity subject = request.subject().entity();
            Entity resource = request.resource().entity();
            required(subject.id(), "subject.id");
            required(resource.id(), "resource.id");
            List<FoundAction> results = new ArrayList<>();
            for (String name : directory.actionsOn(resource.type())) {
                if (allows(subject, new Action(name, null), resource, request.context())) {
                    results.add(new FoundAction(name));
                }
            }
            return new SearchResponse(results, new PageResponse(""));
        }
        UUID guest = uuid(request.subject().id(), "subject.id");
        UUID resource = portcullisResource(request.resource().type(), request.resource().id(), "resource.id");
        List<FoundAction> results = new ArrayList<>();
        if (guest == null || resource == null) {
            return new SearchResponse(results, new PageResponse(""));
        }
        boolean holds = !em.createQuery("select g.grantId from KnownGrant g where g.guestId = :guest and g.resourceId = :resource and g.state = :active",
                UUID.class).setParameter("guest", guest).setParameter("resource", resource).setParameter("active", KnownGrant.ACTIVE)
                .setMaxResults(1).getResultList().isEmpty();
        for (String name : ACTIONS) {
            if (name.equals(Facts.ACCESS) && !holds) {
                continue;
            }
            if (allows(request.subject().entity(), new Action(name, null), request.resource().entity(), request.context())) {
                results.add(new FoundAction(name));
            }
        }
        return new SearchResponse(results, new PageResponse(""));
    }

    /**
     * A page of the directory's entities of {@code type} that {@code allowed} lets through: candidates are read in id order, a
     * page's worth at a time, until the page is full or none are left, so a page holds {@code limit} results unless it is the last
     * (its {@code next_token} then empty); the token is the id of the last candidate read.
     */
    private SearchResponse fromDirectory(SearchRequest request, String type, java.util.function.Predicate<String> allowed) {
        int limit = limit(request);
        String after = request.page() == null || request.page().token() == null ? "" : request.page().token();
        List<Found> results = new ArrayList<>();
        while (true) {
            List<String> candidates = directory.ids(type, after, limit);
            for (String id : candidates) {
                after = id;
                if (allowed.test(id)) {
                    results.add(new Found(type, id));
                    if (results.size() == limit) {
                        boolean more = !directory.ids(type, after, 1).isEmpty();
                        return new SearchResponse(results, new PageResponse(more ? after : ""));
                    }
                }
            }
            if (candidates.size() < limit) {
                return new SearchResponse(results, new PageResponse(""));
            }
        }
    }

    private static void required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new BadRequestProblem(field, "is required");
        }
    }

    private boolean allows(Entity subject, Action action, Entity resource, Map<String, Object> context) {
        return policies.engine().decide(facts.resolve(subject, action, resource, context)).decision();
    }

    private static Action required(Action action) {
        if (action == null || action.name() == null || action.name().isBlank()) {
            throw new BadRequestProblem("action.name", "is required: the action the search is about");
        }
        return action;
    }

    private static UUID portcullisResource(String type, String id, String field) {
        return FactsResolver.RESOURCE_TYPE.equals(type) ? uuid(id, field) : null;
    }

    private static UUID uuid(String id, String field) {
        if (id == null || id.isBlank()) {
            throw new BadRequestProblem(field, "is required");
        }
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            // not a Portcullis id: nothing found, as for an id nobody holds
            return null;
        }
    }

    private static UUID token(SearchRequest request) {
        String token = request.page() == null ? null : request.page().token();
        if (token == null || token.isEmpty()) {
            return new UUID(0, 0);
        }
        try {
            return UUID.fromString(token);
        } catch (IllegalArgumentException e) {
            throw new BadRequestProblem("page.token", "is not a token this service returned");
        }
    }

    private static int limit(SearchRequest request) {
        Integer limit = request.page() == null ? null : request.page().limit();
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequestProblem("page.limit", "must be 1 to " + MAX_LIMIT);
        }
        return limit;
    }

    private static PageResponse next(List<UUID> candidates, int limit) {
        return new PageResponse(candidates.size() == limit ? candidates.get(candidates.size() - 1).toString() : "");
    }

    private static SearchResponse empty() {
        return new SearchResponse(List.of(), new PageResponse(""));
    }
}
