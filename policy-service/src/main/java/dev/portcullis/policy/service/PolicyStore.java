package dev.portcullis.policy.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.backbone.problem.UnavailableProblem;
import dev.portcullis.backbone.work.BackgroundWorker;
import dev.portcullis.policy.domain.PolicyRule;
import dev.portcullis.policy.domain.PolicyScope;
import dev.portcullis.policy.domain.PolicyVersion;
import dev.portcullis.policy.engine.CompiledPolicy;
import dev.portcullis.policy.engine.PolicyEngine;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * The current policies of every instance, in memory, for the decision point. A change committed here
 * reloads them at once; a change committed by another instance is seen within about a second: each
 * instance compares the sum of the policies' {@code change_seq} with the one it loaded (the sum, not
 * the highest: two changes may commit out of sequence order, and any commit raises the sum).
 * Until the first load the instance decides nothing (503) and is not ready: an instance that has
 * not read the policies yet would otherwise allow what they deny.
 */
@ApplicationScoped
public class PolicyStore {

    private static final Logger LOG = Logger.getLogger(PolicyStore.class);

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    private record Loaded(long changeSeq, PolicyEngine engine) {
    }

    private volatile Loaded loaded = new Loaded(-1, new PolicyEngine(List.of()));
    private BackgroundWorker worker;

    void start(@Observes StartupEvent event) {
        try {
            reloadIfChanged();
        } catch (RuntimeException e) {
            LOG.warnf("policies not loaded at start-up (%s); retrying in the background, deciding nothing until then", e.toString());
        }
        worker = new BackgroundWorker("policy-reload", this::reloadIfChanged, Duration.ofSeconds(1), Duration.ofSeconds(5));
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.stop();
        }
    }

    /** The engine over the current policies; a 503 until they have been read once: fail closed. */
    public PolicyEngine engine() {
        Loaded current = loaded;
        if (current.changeSeq() < 0) {
            throw new UnavailableProblem("the policies have not been read yet; nothing was decided. Try again shortly.");
        }
        return current.engine();
    }

    /** The change the policies in memory are at; -1 before the first load. */
    long loadedChange() {
        return loaded.changeSeq();
    }

    /** Ready once the policies have been read. */
    @Readiness
    @ApplicationScoped
    static class PoliciesRead implements HealthCheck {

        @Inject
        PolicyStore store;

        @Override
        public HealthCheckResponse call() {
            long change = store.loadedChange(); // a method: the injected store is a proxy, its fields are not the bean's
            return HealthCheckResponse.named("policies").status(change >= 0).withData("change", change).build();
        }
    }

    /** Reloads if any instance changed a policy since the last load; called right after this instance commits a change. */
    public synchronized boolean reloadIfChanged() {
        long latest = QuarkusTransaction.requiringNew().call(
                () -> ((Number) em.createNativeQuery("select coalesce(sum(change_seq), 0) from policy").getSingleResult()).longValue());
        if (latest != loaded.changeSeq()) {
            reload(latest);
        }
        return false;
    }

    private void reload(long changeSeq) {
        List<CompiledPolicy> policies = QuarkusTransaction.requiringNew().call(() -> {
            List<PolicyVersion> current = em.createQuery("select v from PolicyVersion v, Policy p where v.key.policyId = p.id"
                    + " and v.key.version = p.currentVersion and p.deleted = false order by v.key.policyId", PolicyVersion.class).getResultList();
            List<CompiledPolicy> compiled = new ArrayList<>(current.size());
            for (PolicyVersion v : current) {
                compiled.add(compile(v));
            }
            return compiled;
        });
        loaded = new Loaded(changeSeq, new PolicyEngine(policies));
        LOG.infof("policies loaded: %d in force or reporting (change %d)", loaded.engine().size(), changeSeq);
    }

    CompiledPolicy compile(PolicyVersion v) {
        return CompiledPolicy.of(v.key.policyId(), v.key.version(), v.name, v.mode, read(v.scope, PolicyScope.class), read(v.rule, PolicyRule.class));
    }

    public <T> T read(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored policy cannot be read as " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
