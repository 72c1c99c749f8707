package dev.portcullis.policy.engine;

import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.policy.domain.PolicyRule;
import dev.portcullis.policy.domain.Scenario.ControlModel;
import java.time.Instant;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Each rule type: which fields it takes (checked when a policy is saved), and what it decides. */
public final class PolicyRules {

    private PolicyRules() {
    }

    /** Refuses, naming the field, a rule whose fields do not fit its type. */
    public static void validate(PolicyRule rule) {
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("allowDomains", rule.allowDomains());
        given.put("blockDomains", rule.blockDomains());
        given.put("allowedStates", rule.allowedStates());
        given.put("maxSensitivity", rule.maxSensitivity());
        given.put("maxDuration", rule.maxDuration());
        given.put("minSponsors", rule.minSponsors());
        given.put("maxInactiveDays", rule.maxInactiveDays());
        given.put("visibility", rule.visibility());
        given.put("expression", rule.expression());
        given.put("message", rule.message());
        List<String> takes = switch (rule.type()) {
            case PARTNER_DOMAINS -> List.of("allowDomains", "blockDomains");
            case PARTNER_STATE -> List.of("allowedStates");
            case SENSITIVITY_CEILING -> List.of("maxSensitivity");
            case MAX_GRANT_DURATION -> List.of("maxDuration");
            case SPONSORS_REQUIRED -> List.of("minSponsors");
            case INVITERS -> List.of();
            case MAX_INACTIVITY_DAYS -> List.of("maxInactiveDays");
            case DIRECTORY_VISIBILITY -> List.of("visibility");
            case CONDITION -> List.of("expression", "message");
        };
        given.forEach((field, value) -> {
            if (value != null && !takes.contains(field)) {
                throw new BadRequestProblem("rule." + field, "does not apply to a " + rule.type() + " rule");
            }
        });
        switch (rule.type()) {
            case PARTNER_DOMAINS -> {
                if (rule.allowDomains() != null && rule.blockDomains() != null) {
                    throw new BadRequestProblem("rule.blockDomains", "an allow list and a block list in one rule: make two policies");
                }
                List<String> domains = rule.allowDomains() != null ? rule.allowDomains() : rule.blockDomains();
                String field = rule.allowDomains() != null ? "rule.allowDomains" : "rule.blockDomains";
                if (domains == null || domains.isEmpty()) {
                    throw new BadRequestProblem("rule.allowDomains", "an allow list or a block list of email domains is required");
                }
                if (domains.size() > 1000) {
                    throw new BadRequestProblem(field, "at most 1000 domains");
                }
                for (String domain : domains) {
                    if (domain == null || !domain.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+")) {
                        throw new BadRequestProblem(field, "'" + domain + "' is not a domain name");
                    }
                }
            }
            case PARTNER_STATE -> {
                if (rule.allowedStates() == null || rule.allowedStates().isEmpty() || rule.allowedStates().contains(null)) {
                    throw new BadRequestProblem("rule.allowedStates", "the partner states allowed are required: CONNECTED, and PROPOSED if it may be");
                }
            }
            case SENSITIVITY_CEILING -> require(rule.maxSensitivity(), "rule.maxSensitivity");
            case MAX_GRANT_DURATION -> period(rule.maxDuration());
            case SPONSORS_REQUIRED -> {
                if (rule.minSponsors() == null || rule.minSponsors() < 1 || rule.minSponsors() > 5) {
                    throw new BadRequestProblem("rule.minSponsors", "must be 1 to 5");
                }
            }
            case MAX_INACTIVITY_DAYS -> {
                if (rule.maxInactiveDays() == null || rule.maxInactiveDays() < 1 || rule.maxInactiveDays() > 3650) {
                    throw new BadRequestProblem("rule.maxInactiveDays", "must be 1 to 3650");
                }
            }
            case DIRECTORY_VISIBILITY -> require(rule.visibility(), "rule.visibility");
            case CONDITION -> {
                Condition.compile(rule.expression(), rule.message());
                if (rule.message() != null && rule.message().length() > 1000) {
                    throw new BadRequestProblem("rule.message", "at most 1000 characters");
                }
            }
            case INVITERS -> {
            }
        }
    }

    /** The rule's maxDuration as a period of whole days, months or years; a 400 naming the field if it is not one. */
    static Period period(String iso) {
        if (iso == null) {
            throw new BadRequestProblem("rule.maxDuration", "an ISO-8601 period is required, P90D");
        }
        try {
            Period period = Period.parse(iso);
            if (period.isNegative() || period.isZero()) {
                throw new BadRequestProblem("rule.maxDuration", "must be longer than zero");
            }
            return period;
        } catch (DateTimeParseException e) {
            throw new BadRequestProblem("rule.maxDuration", "'" + iso + "' is not an ISO-8601 period (P90D, P6M, P1Y)");
        }
    }

    private static void require(Object value, String field) {
        if (value == null) {
            throw new BadRequestProblem(field, "is required for this rule type");
        }
    }

    /** What {@code rule} says about {@code facts}. Rules are written to fail closed: a fact they need and nobody knows denies. */
    public static RuleOutcome evaluate(PolicyRule rule, Period maxDuration, Condition condition, Facts facts) {
        Facts.Guest guest = facts.guest();
        Facts.Resource resource = facts.resource();
        if (Facts.OFFER.equals(facts.action())) {
            return offer(rule, maxDuration, facts);
        }
        return switch (rule.type()) {
            case PARTNER_DOMAINS -> {
                String domain = facts.memo().domain(facts);
                if (domain == null) {
                    yield RuleOutcome.deny("the guest's email address is unknown, so its domain cannot be checked");
                }
                if (rule.allowDomains() != null) {
                    yield matchesAny(domain, rule.allowDomains()) ? RuleOutcome.ALLOW
                            : RuleOutcome.deny("email domain " + domain + " is not on the allow list");
                }
                yield matchesAny(domain, rule.blockDomains()) ? RuleOutcome.deny("email domain " + domain + " is blocked") : RuleOutcome.ALLOW;
            }
            case PARTNER_STATE -> {
                if (guest.partnerState() == null) {
                    yield RuleOutcome.deny("the guest's organization is not a known partner");
                }
                yield rule.allowedStates().contains(guest.partnerState()) ? RuleOutcome.ALLOW
                        : RuleOutcome.deny("the guest's organization is a " + guest.partnerState() + " partner; allowed: " + rule.allowedStates());
            }
            case SENSITIVITY_CEILING -> {
                if (resource == null) {
                    yield RuleOutcome.NOT_APPLICABLE;
                }
                if (resource.sensitivity() == null) {
                    yield RuleOutcome.deny("the resource's sensitivity is unknown");
                }
                yield resource.sensitivity().compareTo(rule.maxSensitivity()) > 0
                        ? RuleOutcome.deny("the resource is " + resource.sensitivity() + ", above the ceiling of " + rule.maxSensitivity())
                        : RuleOutcome.ALLOW;
            }
            case MAX_GRANT_DURATION -> {
                if (!Facts.GRANT.equals(facts.action())) {
                    yield RuleOutcome.NOT_APPLICABLE;
                }
                Map<String, Object> obligation = new LinkedHashMap<>();
                obligation.put("type", "expiresAt");
                obligation.put("notAfter", facts.memo().notAfter(facts, maxDuration));
                obligation.put("maxDuration", rule.maxDuration());
                yield RuleOutcome.oblige(obligation);
            }
            case SPONSORS_REQUIRED -> {
                if (!facts.changesAccess()) {
                    yield RuleOutcome.NOT_APPLICABLE;
                }
                int sponsors = guest.sponsors() == null ? 0 : guest.sponsors().size();
                yield sponsors >= rule.minSponsors() ? RuleOutcome.ALLOW
                        : RuleOutcome.deny(sponsors + " sponsor(s); at least " + rule.minSponsors() + " required");
            }
            case INVITERS -> inviters(facts);
            case MAX_INACTIVITY_DAYS -> {
                if (Facts.INVITE.equals(facts.action()) || guest.inactiveDays() == null) {
                    yield RuleOutcome.NOT_APPLICABLE;
                }
                yield guest.inactiveDays() > rule.maxInactiveDays()
                        ? RuleOutcome.deny("no sign-in for " + guest.inactiveDays() + " days; at most " + rule.maxInactiveDays() + " allowed")
                        : RuleOutcome.ALLOW;
            }
            case CONDITION -> condition.evaluate(facts);
            case DIRECTORY_VISIBILITY -> {
                Map<String, Object> obligation = new LinkedHashMap<>();
                obligation.put("type", "directoryVisibility");
                obligation.put("visibility", rule.visibility().name());
                yield RuleOutcome.oblige(obligation);
            }
        };
    }

    /**
     * An access package's guard rails: no resource above the ceiling, no assignment longer than the maximum
     * duration (one that never ends is longer than any). Every other rule is about the people who will
     * request it, and is checked when a request is delivered.
     */
    private static RuleOutcome offer(PolicyRule rule, Period maxDuration, Facts facts) {
        Facts.Resource offered = facts.resource();
        return switch (rule.type()) {
            case SENSITIVITY_CEILING -> {
                if (offered == null || offered.sensitivity() == null) {
                    yield RuleOutcome.deny("the package's highest sensitivity is unknown");
                }
                yield offered.sensitivity().compareTo(rule.maxSensitivity()) > 0
                        ? RuleOutcome.deny("the package gives access to a " + offered.sensitivity() + " resource, above the ceiling of "
                                + rule.maxSensitivity())
                        : RuleOutcome.ALLOW;
            }
            case MAX_GRANT_DURATION -> {
                Instant limit = Instant.parse(facts.memo().notAfter(facts, maxDuration));
                if (facts.accessEnds() == null) {
                    yield RuleOutcome.deny("the package's assignments have no end; at most " + rule.maxDuration() + " is allowed");
                }
                yield facts.accessEnds().isAfter(limit)
                        ? RuleOutcome.deny("the package's assignments would last until " + facts.accessEnds() + "; at most " + rule.maxDuration()
                                + " is allowed (until " + limit + ")")
                        : RuleOutcome.ALLOW;
            }
            default -> RuleOutcome.NOT_APPLICABLE;
        };
    }

    /**
     * Who may invite or grant, by the resource's control model: IT-governed, admins only; delegated,
     * admins or the resource's owners; self-service, anyone, with the owners' approval as an
     * obligation unless an admin or owner asks. A resource without a known scenario is IT-governed.
     */
    static RuleOutcome inviters(Facts facts) {
        if (!facts.changesAccess() && !Facts.REVOKE.equals(facts.action())) {
            return RuleOutcome.NOT_APPLICABLE;
        }
        Facts.Resource resource = facts.resource();
        ControlModel model = resource == null || resource.controlModel() == null ? ControlModel.IT_GOVERNED : resource.controlModel();
        Facts.Requester requester = facts.requester();
        // a SCIM client is IT's provisioning, set up by an admin: it invites to the directory as they would (it never grants)
        boolean admin = requester.roles().contains(Roles.ADMIN) || (resource == null && requester.roles().contains(Roles.SCIM));
        List<String> owners = resource == null || resource.owners() == null ? List.of() : resource.owners();
        boolean owner = requester.id() != null && owners.contains(requester.id().toLowerCase(Locale.ROOT));
        return switch (model) {
            case IT_GOVERNED -> admin ? RuleOutcome.ALLOW : RuleOutcome.deny("IT-governed: only an admin may " + facts.action());
            case DELEGATED -> admin || owner ? RuleOutcome.ALLOW
                    : RuleOutcome.deny("delegated: only an admin or an owner of the resource may " + facts.action());
            case SELF_SERVICE -> {
                if (admin || owner) {
                    yield RuleOutcome.ALLOW;
                }
                Map<String, Object> obligation = new LinkedHashMap<>();
                obligation.put("type", "ownerApproval");
                obligation.put("approvers", new ArrayList<>(owners));
                yield RuleOutcome.oblige(obligation);
            }
        };
    }

    static String domainOf(String email) {
        if (email == null) {
            return null;
        }
        int at = email.lastIndexOf('@');
        return at < 0 || at == email.length() - 1 ? null : email.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /** A domain on the list, or a subdomain of one; {@code domain} is lower case, the list as saved (any case). Allocates nothing. */
    static boolean matchesAny(String domain, List<String> list) {
        for (String entry : list) {
            int suffix = domain.length() - entry.length();
            if (suffix == 0 ? domain.equalsIgnoreCase(entry)
                    : suffix > 1 && domain.charAt(suffix - 1) == '.' && domain.regionMatches(true, suffix, entry, 0, entry.length())) {
                return true;
            }
        }
        return false;
    }
}
