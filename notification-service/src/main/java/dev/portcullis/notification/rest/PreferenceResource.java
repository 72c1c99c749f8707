package dev.portcullis.notification.rest;

import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.notification.domain.Notification;
import dev.portcullis.notification.domain.RecipientPreference;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/recipients/{email}/preferences")
@Tag(name = "preferences", description = "What each person chose not to receive, and whether what is not urgent comes in a daily digest")
public class PreferenceResource {

    @Inject
    Actor actor;

    @Inject
    SecurityIdentity identity;

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    dev.portcullis.notification.config.NotificationSettings settings;

    /** {@code delivery}: IMMEDIATE (left out: the same) or DAILY_DIGEST. */
    public record Preferences(@NotNull @Size(max = 50) List<@NotNull String> optOuts, String delivery) {
    }

    /** A person's choices, the message types nobody can opt out of or hold for a digest, and when the digest goes (UTC). */
    public record PreferencesView(String recipient, List<String> optOuts, RecipientPreference.Delivery delivery, java.time.LocalTime digestTime,
            List<Notification.Type> mandatory, String updatedBy, Instant updatedAt) {
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR, Roles.OWNER, Roles.GUEST})
    @Operation(summary = "A person's message preferences", description = "Their opt-outs, their delivery (IMMEDIATE, or DAILY_DIGEST at"
            + " digestTime, UTC), and the mandatory types (review assignments and reminders, approvals asked for, security messages), which"
            + " always go at once. A person reads their own; admins and auditors anyone's"
            + " (403 otherwise). Someone who never chose has no opt-outs.")
    public PreferencesView get(@PathParam("email") String email) {
        String recipient = mayRead(email);
        RecipientPreference p = RecipientPreference.findById(recipient);
        return view(recipient, p);
    }

    @PUT
    @RolesAllowed({Roles.ADMIN, Roles.OWNER, Roles.GUEST})
    @Transactional
    @Operation(summary = "Set a person's message preferences", description = "optOuts: the message types not to send them (logged SUPPRESSED"
            + " instead). A mandatory type, or one that does not exist, is a 400 naming optOuts[i], and nothing changes. delivery: IMMEDIATE"
            + " (the default) or DAILY_DIGEST: what is not mandatory is HELD and goes once a day in one digest; anything else is a 400 naming"
            + " delivery. A person sets their"
            + " own; admins anyone's (403 otherwise).")
    public PreferencesView put(@PathParam("email") String email, @jakarta.validation.Valid @NotNull Preferences preferences) {
        String recipient = recipient(email);
        if (!identity.hasRole(Roles.ADMIN) && !recipient.equals(actor.email())) {
            throw new ForbiddenException("a person sets their own preferences; an admin anyone's");
        }
        Set<String> optOuts = new LinkedHashSet<>();
        for (int i = 0; i < preferences.optOuts().size(); i++) {
            String name = preferences.optOuts().get(i);
            String field = "optOuts[" + i + "]";
            Notification.Type type = MessageTypes.named(field, name);
            if (type.mandatory()) {
                throw new BadRequestProblem(field, type + " is mandatory: review assignments, approvals and security messages"
                        + " cannot be opted out of");
            }
            optOuts.add(type.name());
        }
        RecipientPreference.Delivery chosen = QueryParams.enumValue(RecipientPreference.Delivery.class, "delivery", preferences.delivery());
        RecipientPreference.Delivery delivery = chosen == null ? RecipientPreference.Delivery.IMMEDIATE : chosen;
        RecipientPreference p = em.find(RecipientPreference.class, recipient, LockModeType.PESSIMISTIC_WRITE);
        if (p == null) {
            p = new RecipientPreference();
            p.recipient = recipient;
            p.optOuts = new String[0];
            p.updatedBy = actor.email();
            p.updatedAt = clock.instant();
            p.persist();
        }
        p.optOuts = optOuts.toArray(String[]::new);
        p.delivery = delivery;
        p.updatedBy = actor.email();
        p.updatedAt = clock.instant();
        return view(recipient, p);
    }

    private String mayRead(String email) {
        String recipient = recipient(email);
        if (!identity.hasRole(Roles.ADMIN) && !identity.hasRole(Roles.AUDITOR) && !recipient.equals(actor.email())) {
            throw new ForbiddenException("a person reads their own preferences; admins and auditors anyone's");
        }
        return recipient;
    }

    private static String recipient(String email) {
        if (email == null || !email.matches("[^@\\s]+@[^@\\s]+") || email.length() > 255) {
            throw new BadRequestProblem("email", "is not an email address");
        }
        return email.toLowerCase(Locale.ROOT);
    }

    private PreferencesView view(String recipient, RecipientPreference p) {
        return new PreferencesView(recipient, p == null ? List.of() : List.of(p.optOuts),
                p == null ? RecipientPreference.Delivery.IMMEDIATE : p.delivery, settings.digestTime(), Arrays.stream(Notification.Type.values()).filter(Notification.Type::mandatory).toList(), p == null ? null : p.updatedBy,
                p == null ? null : p.updatedAt);
    }
}
