package dev.portcullis.policy.engine;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.portcullis.backbone.problem.BadRequestProblem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CONDITION rule: a CEL expression over {@code subject}, {@code resource}, {@code action} and
 * {@code context} (maps: every property the request gave, then the facts Portcullis resolved over
 * them; a fact nobody knows is an absent key, test it with {@code has(subject.x)})
 * that must be true, else the decision is denied with the rule's message (a map value is dynamic, so
 * {@code subject.email} compiles; anything but {@code true} denies). Compiled once, when the
 * policy is saved (a bad expression is a 400 that points at it) and again when it is loaded; an
 * expression that fails while deciding (a key that is not there) denies: fail closed.
 */
public final class Condition {

    private static final MapType MAP = MapType.create(SimpleType.STRING, SimpleType.DYN);
    // the standard macros (has, all, exists, exists_one, map, filter) are not on unless asked for
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder().setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("subject", MAP).addVar("resource", MAP).addVar("action", MAP).addVar("context", MAP)
            .setResultType(SimpleType.BOOL).build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private final CelRuntime.Program program;
    private final String message;

    private Condition(CelRuntime.Program program, String message) {
        this.program = program;
        this.message = message;
    }

    /** Compiles an expression; a 400 naming {@code rule.expression}, with the compiler's pointer at the error, if it does not compile to a bool. */
    public static Condition compile(String expression, String message) {
        if (expression == null || expression.isBlank()) {
            throw new BadRequestProblem("rule.expression", "a CEL expression is required");
        }
        if (expression.length() > 4000) {
            throw new BadRequestProblem("rule.expression", "at most 4000 characters");
        }
        CelValidationResult result = COMPILER.compile(expression);
        if (result.hasError()) {
            throw new BadRequestProblem("rule.expression", result.getErrorString());
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            return new Condition(RUNTIME.createProgram(ast), message == null || message.isBlank() ? "the condition is not met" : message);
        } catch (CelValidationException | CelEvaluationException e) {
            throw new BadRequestProblem("rule.expression", e.getMessage());
        }
    }

    public RuleOutcome evaluate(Facts facts) {
        try {
            Object result = program.eval(facts.memo().celVariables(facts));
            return Boolean.TRUE.equals(result) ? RuleOutcome.ALLOW : RuleOutcome.deny(message);
        } catch (CelEvaluationException e) {
            return RuleOutcome.deny(message + " (the condition could not be evaluated: " + e.getMessage() + ")");
        }
    }

    static Map<String, Object> variables(Facts facts) {
        Facts.Guest guest = facts.guest();
        Map<String, Object> subject = new LinkedHashMap<>(guest.properties() == null ? Map.of() : guest.properties());
        put(subject, "id", guest.id());
        put(subject, "email", guest.email());
        put(subject, "domain", PolicyRules.domainOf(guest.email()));
        put(subject, "partnerId", guest.partnerId() == null ? null : guest.partnerId().toString());
        put(subject, "partnerState", guest.partnerState() == null ? null : guest.partnerState().name());
        put(subject, "sponsors", guest.sponsors() == null ? null : List.copyOf(guest.sponsors()));
        put(subject, "inactiveDays", guest.inactiveDays() == null ? null : guest.inactiveDays().longValue());
        Facts.Resource r = facts.resource();
        Map<String, Object> resource = new LinkedHashMap<>(r == null || r.properties() == null ? Map.of() : r.properties());
        if (r != null) {
            put(resource, "id", r.id());
            put(resource, "sensitivity", r.sensitivity() == null ? null : r.sensitivity().name());
            put(resource, "scenarioId", r.scenarioId() == null ? null : r.scenarioId().toString());
            put(resource, "controlModel", r.controlModel() == null ? null : r.controlModel().name());
            put(resource, "owners", r.owners());
        }
        Map<String, Object> requester = new LinkedHashMap<>();
        put(requester, "id", facts.requester().id());
        put(requester, "roles", List.copyOf(facts.requester().roles()));
        return Map.of("subject", subject, "resource", resource, "action", Map.of("name", facts.action()),
                "context", Map.of("requester", requester));
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
