package dev.portcullis.policy.authzen;

import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.events.Sensitivity;
import dev.portcullis.policy.authzen.AuthzenModel.Entity;
import dev.portcullis.policy.domain.PolicyRule.PartnerState;
import dev.portcullis.policy.domain.Scenario;
import dev.portcullis.policy.domain.Scenario.ControlModel;
import dev.portcullis.policy.engine.Facts;
import dev.portcullis.policy.service.AccessView;
import dev.portcullis.readmodel.KnownGrant;
import dev.portcullis.readmodel.KnownGuest;
import dev.portcullis.readmodel.KnownResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns an AuthZEN request into {@link Facts}: what the request's properties say, and for what they
 * leave out, what policy-service knows of the guest (subject id a guest id) and the resource
 * (resource type {@code resource}, id a resource id), whether the guest holds an active grant on it,
 * and the resource's scenario's control model. Known from memory ({@link AccessView}): no query on a
 * decision's path once the view has caught up.
 * A property with the wrong shape is a 400 naming it.
 */
@ApplicationScoped
public class FactsResolver {

    /** The AuthZEN resource type of a Portcullis resource; any other type is not one (an invite's {@code directory}). */
    public static final String RESOURCE_TYPE = "resource";
    /**
     * The types Portcullis itself names in its requests (a guest, a resource, the guest directory an invitation adds to, an
     * access package): what they are is known here, never looked up in the {@link Directory}, so their decisions stay in memory.
     */
    static final java.util.Set<String> OWN_TYPES = java.util.Set.of("guest", RESOURCE_TYPE, "directory", "access-package");

    @Inject
    Clock clock;

    @Inject
    AccessView view;

    @Inject
    Directory directory;

    /** Scenarios are created, never changed: their control models are kept once read. */
    private final Map<UUID, ControlModel> controlModels = new ConcurrentHashMap<>();

    /** The facts, from memory or, for what memory does not hold yet, from the read model: may query (a worker thread, in a transaction). */
    public Facts resolve(Entity subject, AuthzenModel.Action action, Entity resource, Map<String, Object> context) {
        return resolve(subject, action, resource, context, true);
    }

    /**
     * The facts if memory holds every one of them (the view has caught up, and the resource's scenario was read before); empty if the
     * read model must be asked. Never blocks: a decision on the event loop.
     */
    public Optional<Facts> resolveFromMemory(Entity subject, AuthzenModel.Action action, Entity resource, Map<String, Object> context) {
        try {
            return Optional.of(resolve(subject, action, resource, context, false));
        } catch (NotInMemory e) {
            return Optional.empty();
        }
    }

    /** Thrown, without a stack, where a fact would need a query and none may be made. */
    private static final class NotInMemory extends RuntimeException {
        static final NotInMemory INSTANCE = new NotInMemory();

        private NotInMemory() {
            super(null, null, false, false);
        }
    }

    private Facts resolve(Entity askedSubject, AuthzenModel.Action action, Entity askedResource, Map<String, Object> context, boolean mayQuery) {
        UUID guestId = uuid(askedSubject.id());
        Entity subject = OWN_TYPES.contains(askedSubject.type()) ? askedSubject : withDirectory(askedSubject, mayQuery);
        AccessView.Guest known = knownGuest(guestId, mayQuery);
        UUID resourceId = RESOURCE_TYPE.equals(askedResource.type()) ? uuid(askedResource.id()) : null;
        Entity resource = OWN_TYPES.contains(askedResource.type()) ? askedResource : withDirectory(askedResource, mayQuery);
        AccessView.Resource knownResource = knownResource(resourceId, mayQuery);
        Boolean holdsGrant = known != null && knownResource != null ? holds(guestId, resourceId, mayQuery) : null;
        Instant now = clock.instant();
        return new Facts(action.name(), guest(subject, known), resource(resource, knownResource, mayQuery), requester(context), now, holdsGrant,
                accessEnds(context, now));
    }

    /**
     * A subject or resource of a type that is not Portcullis's own, with what the directory knows of it under what the
     * request says: a query, so never on the event loop (the directory is read where it is written, for every instance to decide
     * alike at once).
     */
    private Entity withDirectory(Entity entity, boolean mayQuery) {
        if (!mayQuery) {
            throw NotInMemory.INSTANCE;
        }
        Map<String, Object> asked = entity.props();
        return directory.attributes(entity.type(), entity.id(), asked.get("identity")).map(known -> {
            Map<String, Object> merged = new java.util.LinkedHashMap<>(known);
            merged.putAll(asked);
            return new Entity(entity.type(), entity.id(), merged);
        }).orElse(entity);
    }

    /** When the access asked about ends: {@code context.expiresAt} (an instant), or now plus {@code context.duration} (an ISO-8601 period). */
    private static Instant accessEnds(Map<String, Object> context, Instant now) {
        if (context == null) {
            return null;
        }
        Object expiresAt = context.get("expiresAt");
        Object duration = context.get("duration");
        if (expiresAt != null && duration != null) {
            throw new BadRequestProblem("context.duration", "only one of expiresAt and duration");
        }
        try {
            if (expiresAt != null) {
                return Instant.parse((String) expiresAt);
            }
        } catch (ClassCastException | DateTimeParseException e) {
            throw new BadRequestProblem("context.expiresAt", "must be an ISO-8601 instant, 2027-01-31T00:00:00Z");
        }
        try {
            if (duration != null) {
                Period period = Period.parse((String) duration);
                if (period.isNegative()) {
                    throw new BadRequestProblem("context.duration", "must not be negative");
                }
                return now.atOffset(ZoneOffset.UTC).plus(period).toInstant();
            }
        } catch (ClassCastException | DateTimeParseException e) {
            throw new BadRequestProblem("context.duration", "must be an ISO-8601 period of days, months or years, P90D");
        }
        return null;
    }

    /** From memory once the view has caught up; from the read model before. */
    private AccessView.Guest knownGuest(UUID id, boolean mayQuery) {
        if (id == null) {
            return null;
        }
        if (view.ready()) {
            return view.guest(id);
        }
        if (!mayQuery) {
            throw NotInMemory.INSTANCE;
        }
        KnownGuest g = KnownGuest.findById(id);
        return g == null ? null : new AccessView.Guest(g.guestId, g.email, g.partnerId, List.copyOf(g.sponsors), g.state);
    }

    private AccessView.Resource knownResource(UUID id, boolean mayQuery) {
        if (id == null) {
            return null;
        }
        if (view.ready()) {
            return view.resource(id);
        }
        if (!mayQuery) {
            throw NotInMemory.INSTANCE;
        }
        KnownResource r = KnownResource.findById(id);
        return r == null ? null : new AccessView.Resource(r.resourceId, r.sensitivity, r.scenarioId, List.copyOf(r.owners));
    }

    private boolean holds(UUID guestId, UUID resourceId, boolean mayQuery) {
        if (view.ready()) {
            return view.holds(guestId, resourceId);
        }
        if (!mayQuery) {
            throw NotInMemory.INSTANCE;
        }
        return KnownGrant.count("guestId = ?1 and resourceId = ?2 and state = ?3", guestId, resourceId, KnownGrant.ACTIVE) > 0;
    }

    private ControlModel controlModel(UUID scenarioId, boolean mayQuery) {
        if (scenarioId == null) {
            return null;
        }
        ControlModel model = controlModels.get(scenarioId);
        if (model == null) {
            if (!mayQuery) {
                throw NotInMemory.INSTANCE;
            }
            Scenario scenario = Scenario.findById(scenarioId);
            if (scenario != null) {
                model = scenario.controlModel;
                controlModels.put(scenarioId, model);
            }
        }
        return model;
    }

    private Facts.Guest guest(Entity subject, AccessView.Guest known) {
        Map<String, Object> p = subject.props();
        String email = string(p, "email", "subject.properties.email");
        if (email == null && known != null) {
            email = known.email();
        }
        if (email == null && subject.id().contains("@")) {
            email = subject.id();
        }
        UUID partnerId = uuidProperty(p, "partnerId", "subject.properties.partnerId");
        if (partnerId == null && known != null) {
            partnerId = known.partnerId();
        }
        String state = string(p, "partnerState", "subject.properties.partnerState");
        PartnerState partnerState = state == null ? null : enumValue(PartnerState.class, state, "subject.properties.partnerState");
        List<String> sponsors = strings(p, "sponsors", "subject.properties.sponsors");
        if (sponsors == null && known != null) {
            sponsors = known.sponsors();
        }
        Integer inactiveDays = integer(p, "inactiveDays", "subject.properties.inactiveDays");
        return new Facts.Guest(subject.id(), email == null ? null : email.toLowerCase(Locale.ROOT), partnerId, partnerState, sponsors, inactiveDays, p);
    }

    private Facts.Resource resource(Entity resource, AccessView.Resource known, boolean mayQuery) {
        Map<String, Object> p = resource.props();
        if (!RESOURCE_TYPE.equals(resource.type()) && p.isEmpty()) {
            return null;
        }
        String sensitivityName = string(p, "sensitivity", "resource.properties.sensitivity");
        Sensitivity sensitivity = sensitivityName != null ? enumValue(Sensitivity.class, sensitivityName, "resource.properties.sensitivity")
                : known != null ? sensitivityOf(known.sensitivity()) : null;
        UUID scenarioId = uuidProperty(p, "scenarioId", "resource.properties.scenarioId");
        if (scenarioId == null && known != null) {
            scenarioId = uuid(known.scenarioId());
        }
        List<String> owners = strings(p, "owners", "resource.properties.owners");
        if (owners == null && known != null) {
            owners = known.owners();
        }
        ControlModel model = controlModel(scenarioId, mayQuery);
        return new Facts.Resource(resource.id(), sensitivity, scenarioId, model,
                owners == null ? List.of() : owners.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList(), p);
    }

    /**
     * The facts of an existing grant, from the read model alone (continuous evaluation, simulation):
     * the guest holding the resource, action {@code access}, nobody asking. What the read model does
     * not know (the partner's state, inactivity) is unknown, and rules that need it deny.
     */
    public Facts forGrant(KnownGuest guest, KnownResource resource, Map<UUID, ControlModel> controlModels) {
        Facts.Guest subject = new Facts.Guest(guest.guestId.toString(), guest.email == null ? null : guest.email.toLowerCase(Locale.ROOT),
                guest.partnerId, null, List.copyOf(guest.sponsors), null, Map.of());
        UUID scenarioId = uuid(resource.scenarioId);
        Facts.Resource target = new Facts.Resource(resource.resourceId.toString(), sensitivityOf(resource.sensitivity), scenarioId,
                scenarioId == null ? null : controlModels.get(scenarioId), List.copyOf(resource.owners), Map.of());
        return new Facts(Facts.ACCESS, subject, target, Facts.Requester.UNKNOWN, clock.instant());
    }

    private static Facts.Requester requester(Map<String, Object> context) {
        if (context == null || !(context.get("requester") instanceof Map<?, ?> requester)) {
            if (context != null && context.get("requester") != null) {
                throw new BadRequestProblem("context.requester", "must be an object {id, roles}");
            }
            return Facts.Requester.UNKNOWN;
        }
        Object id = requester.get("id");
        if (id != null && !(id instanceof String)) {
            throw new BadRequestProblem("context.requester.id", "must be a string");
        }
        Set<String> roles = new LinkedHashSet<>();
        Object given = requester.get("roles");
        if (given != null) {
            if (!(given instanceof Collection<?> list) || list.stream().anyMatch(r -> !(r instanceof String))) {
                throw new BadRequestProblem("context.requester.roles", "must be a list of role names");
            }
            list.forEach(r -> roles.add((String) r));
        }
        return new Facts.Requester((String) id, Set.copyOf(roles));
    }

    private static Sensitivity sensitivityOf(String name) {
        try {
            return name == null ? null : Sensitivity.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String string(Map<String, Object> p, String key, String field) {
        Object value = p.get(key);
        if (value != null && !(value instanceof String)) {
            throw new BadRequestProblem(field, "must be a string");
        }
        return (String) value;
    }

    private static Integer integer(Map<String, Object> p, String key, String field) {
        Object value = p.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Integer i) || i < 0) {
            throw new BadRequestProblem(field, "must be a whole number, 0 or more");
        }
        return i;
    }

    private static List<String> strings(Map<String, Object> p, String key, String field) {
        Object value = p.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Collection<?> list) || list.stream().anyMatch(v -> !(v instanceof String))) {
            throw new BadRequestProblem(field, "must be a list of strings");
        }
        List<String> strings = new ArrayList<>();
        list.forEach(v -> strings.add((String) v));
        return strings;
    }

    private static UUID uuidProperty(Map<String, Object> p, String key, String field) {
        String value = string(p, key, field);
        if (value == null) {
            return null;
        }
        UUID id = uuid(value);
        if (id == null) {
            throw new BadRequestProblem(field, "must be a UUID");
        }
        return id;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String field) {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new BadRequestProblem(field, "must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    private static UUID uuid(String value) {
        if (value == null || value.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
