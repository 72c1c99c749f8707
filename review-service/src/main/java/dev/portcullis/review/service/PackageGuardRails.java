package dev.portcullis.review.service;

import dev.portcullis.backbone.policy.PolicyDecisionPoint;
import dev.portcullis.backbone.problem.RefusedByPolicyProblem;
import dev.portcullis.events.Sensitivity;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Asks policy-service, before a package is saved, whether its scenario's guard rails allow it: the AuthZEN
 * question "may {@code actor} offer this access package", with the package's scenario, the highest
 * sensitivity among its resources, and how long an assignment lives ({@code context.duration} for a number
 * of days, {@code context.expiresAt} for a date). A denial is a 422 with the policies' reasons; no answer
 * in time a 503 (fail closed); either way nothing is saved. Asked outside any transaction: no lock is
 * held across the network.
 */
@ApplicationScoped
public class PackageGuardRails {

    @Inject
    PolicyDecisionPoint pdp;

    @Inject
    EntityManager em;

    void warnIfOff(@Observes StartupEvent event) {
        pdp.warnIfOff("access packages are saved without their scenario's guard rails");
    }

    /** Refuses {@code spec} (package {@code id}, new or changed) if the policies of its scenario deny it. */
    public void check(UUID id, PackageSpec spec, String actor, Set<String> roles) {
        if (!pdp.enabled()) {
            return;
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("scenarioId", spec.scenarioId().toString());
        highestSensitivity(spec).ifPresent(s -> properties.put("sensitivity", s.name()));
        properties.put("owners", spec.owners());
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("requester", Map.of("id", actor, "roles", List.copyOf(roles)));
        PackageSpec.RequestPolicy policy = spec.requestPolicy();
        if (policy.lifetimeDays() != null) {
            context.put("duration", "P" + policy.lifetimeDays() + "D");
        } else {
            context.put("expiresAt", policy.until().toString());
        }
        PolicyDecisionPoint.Answer answer = pdp.decide(Map.of("subject", Map.of("type", "user", "id", actor), "action", Map.of("name", "offer"),
                "resource", Map.of("type", "access-package", "id", id.toString(), "properties", properties), "context", context));
        if (!answer.allowed()) {
            throw new RefusedByPolicyProblem("the guard rails of scenario " + spec.scenarioId() + " refuse access package '" + spec.name() + "'",
                    answer.reasons());
        }
    }

    /** The highest sensitivity among the package's resources, as inventory announced them; empty if one is unknown (the policies deny). */
    private java.util.Optional<Sensitivity> highestSensitivity(PackageSpec spec) {
        List<UUID> ids = spec.resources().stream().map(PackageSpec.PackageResource::resourceId).toList();
        @SuppressWarnings("unchecked")
        List<String> known = em.createNativeQuery("select sensitivity from rm_resource where resource_id in (:ids)", String.class)
                .setParameter("ids", ids).getResultList();
        Sensitivity highest = null;
        for (String name : known) {
            Sensitivity s;
            try {
                s = name == null ? null : Sensitivity.valueOf(name);
            } catch (IllegalArgumentException e) {
                s = null;
            }
            if (s == null) {
                return java.util.Optional.empty();
            }
            highest = highest == null || s.compareTo(highest) > 0 ? s : highest;
        }
        return java.util.Optional.ofNullable(highest);
    }
}
