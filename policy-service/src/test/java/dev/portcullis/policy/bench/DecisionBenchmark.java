package dev.portcullis.policy.bench;

import dev.portcullis.events.Sensitivity;
import dev.portcullis.policy.domain.Policy.Mode;
import dev.portcullis.policy.domain.PolicyRule;
import dev.portcullis.policy.domain.PolicyRule.PartnerState;
import dev.portcullis.policy.domain.PolicyRule.Type;
import dev.portcullis.policy.domain.PolicyScope;
import dev.portcullis.policy.domain.Scenario.ControlModel;
import dev.portcullis.policy.engine.CompiledPolicy;
import dev.portcullis.policy.engine.Decision;
import dev.portcullis.policy.engine.Facts;
import dev.portcullis.policy.engine.PolicyEngine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Statistics;

/**
 * In-process decisions (JMH, sample time): 200 policies, 20 of them CEL conditions, over an
 * in-memory view of 100,000 guests and 1,000 resources; each decision looks its guest and resource
 * up in that view and runs the engine, as policy-service's {@code AccessView} and engine do; not the
 * HTTP path. In a forked JVM of its own (1 GB heap, parallel GC), not the Surefire JVM.
 * <p>
 * Run: {@code ./mvnw -o -pl policy-service test -Dtest=DecisionBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * (not part of the test run: the class name is not a test's). Prints p50, p99, p99.9 in µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class DecisionBenchmark {

    private static final int GUESTS = 100_000;
    private static final int RESOURCES = 1_000;
    private static final int PARTNERS = 500;
    private static final int SCENARIOS = 20;

    private PolicyEngine engine;
    private final Map<String, Facts.Guest> guests = new HashMap<>();
    private final Map<String, Facts.Resource> resources = new HashMap<>();
    private String[] guestIds;
    private String[] resourceIds;

    @Setup
    public void setUp() {
        Random random = new Random(42);
        List<UUID> partners = ids(PARTNERS, random);
        List<UUID> scenarios = ids(SCENARIOS, random);
        guestIds = new String[GUESTS];
        for (int i = 0; i < GUESTS; i++) {
            String id = new UUID(random.nextLong(), random.nextLong()).toString();
            guestIds[i] = id;
            guests.put(id, new Facts.Guest(id, "guest" + i + "@partner" + (i % PARTNERS) + ".example", partners.get(i % PARTNERS),
                    i % 7 == 0 ? PartnerState.PROPOSED : PartnerState.CONNECTED, List.of("sponsor" + (i % 300) + "@corp.example"), i % 400, Map.of()));
        }
        resourceIds = new String[RESOURCES];
        Sensitivity[] levels = Sensitivity.values();
        ControlModel[] models = ControlModel.values();
        for (int i = 0; i < RESOURCES; i++) {
            String id = new UUID(random.nextLong(), random.nextLong()).toString();
            resourceIds[i] = id;
            resources.put(id, new Facts.Resource(id, levels[i % levels.length], scenarios.get(i % SCENARIOS), models[i % models.length],
                    List.of("owner" + (i % 50) + "@corp.example"), Map.of()));
        }
        List<CompiledPolicy> policies = new ArrayList<>();
        for (int i = 0; i < 180; i++) {
            PolicyScope scope = switch (i % 3) {
                case 0 -> new PolicyScope(List.of(), List.of(partners.get(i % PARTNERS), partners.get((i * 7) % PARTNERS)), null);
                case 1 -> new PolicyScope(List.of(scenarios.get(i % SCENARIOS)), List.of(), null);
                default -> new PolicyScope(List.of(), List.of(), Sensitivity.CONFIDENTIAL);
            };
            PolicyRule rule = switch (i % 6) {
                case 0 -> rule(Type.PARTNER_DOMAINS, List.of(), List.of("rival" + i + ".example"), null, null, null, null, null);
                case 1 -> rule(Type.PARTNER_STATE, null, null, List.of(PartnerState.CONNECTED, PartnerState.PROPOSED), null, null, null, null);
                case 2 -> rule(Type.SENSITIVITY_CEILING, null, null, null, Sensitivity.HIGHLY_CONFIDENTIAL, null, null, null);
                case 3 -> rule(Type.MAX_GRANT_DURATION, null, null, null, null, "P90D", null, null);
                case 4 -> rule(Type.SPONSORS_REQUIRED, null, null, null, null, null, 1, null);
                default -> rule(Type.MAX_INACTIVITY_DAYS, null, null, null, null, null, null, 365);
            };
            policies.add(CompiledPolicy.of(UUID.randomUUID(), 1, "policy " + i, i % 10 == 0 ? Mode.REPORT_ONLY : Mode.ENFORCE, scope, rule));
        }
        for (int i = 0; i < Integer.getInteger("bench.cel", 20); i++) {
            String expression = switch (i % 4) {
                case 0 -> "subject.domain != 'rival" + i + ".example' || resource.sensitivity == 'PUBLIC'";
                case 1 -> "!has(subject.inactiveDays) || subject.inactiveDays < " + (500 + i);
                case 2 -> "size(subject.sponsors) >= 1 && !('banned" + i + "@corp.example' in subject.sponsors)";
                default -> "action.name != 'grant' || 'portcullis-admin' in context.requester.roles || has(resource.owners)";
            };
            policies.add(CompiledPolicy.of(UUID.randomUUID(), 1, "condition " + i, Mode.ENFORCE, PolicyScope.ANY,
                    new PolicyRule(Type.CONDITION, null, null, null, null, null, null, null, null, expression, "condition " + i + " not met")));
        }
        engine = new PolicyEngine(policies);
    }

    @Benchmark
    public Decision decide() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Facts.Guest guest = guests.get(guestIds[random.nextInt(GUESTS)]);
        Facts.Resource resource = resources.get(resourceIds[random.nextInt(RESOURCES)]);
        return engine.decide(new Facts(random.nextBoolean() ? Facts.GRANT : Facts.ACCESS, guest, resource,
                new Facts.Requester("admin@corp.example", Set.of("portcullis-admin")), Instant.now()));
    }

    @Test
    void run() throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder().include(DecisionBenchmark.class.getName() + ".decide").forks(1)
                .jvmArgs("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC", "-XX:+AlwaysPreTouch", "-Dbench.cel=" + Integer.getInteger("bench.cel", 20))
                .threads(1).build()).run();
        if (results.isEmpty()) {
            throw new AssertionError("the benchmark produced no result: see the JMH output above");
        }
        for (RunResult result : results) {
            Statistics stats = result.getPrimaryResult().getStatistics();
            System.out.printf("decision benchmark: 200 policies (20 CEL), 100,000 guests: p50 %.1f us, p99 %.1f us, p99.9 %.1f us, %d samples%n",
                    stats.getPercentile(50), stats.getPercentile(99), stats.getPercentile(99.9), stats.getN());
        }
    }

    private static PolicyRule rule(Type type, List<String> allow, List<String> block, List<PartnerState> states, Sensitivity max, String duration,
            Integer sponsors, Integer inactive) {
        return new PolicyRule(type, allow == null || allow.isEmpty() ? null : allow, block, states, max, duration, sponsors, inactive, null, null, null);
    }

    private static List<UUID> ids(int n, Random random) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(new UUID(random.nextLong(), random.nextLong()));
        }
        return ids;
    }
}
