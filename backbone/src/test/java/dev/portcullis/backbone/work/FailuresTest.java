package dev.portcullis.backbone.work;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.problem.UnavailableProblem;
import org.junit.jupiter.api.Test;

/** Which failures pass by themselves: a dependency that does not answer does, and is waited out in order, not dead-lettered. */
class FailuresTest {

    @Test
    void anUnavailableDependencyIsTransientEvenWrappedAndARefusalStaysPermanent() {
        assertEquals(Failures.Kind.TRANSIENT, Failures.classify(new UnavailableProblem("policy-service gave no decision within PT2S")));
        assertEquals(Failures.Kind.TRANSIENT, Failures.classify(new IllegalStateException("delivery failed",
                new UnavailableProblem("policy-service gave no decision within PT2S"))));
        assertEquals(Failures.Kind.PERMANENT, Failures.classify(new ConflictProblem("partner p is BLOCKED")));
        assertEquals(Failures.Kind.UNKNOWN, Failures.classify(new IllegalStateException("a bug")));
    }

    /** A service's domain exception says it is permanent without being an HTTP problem, and stays so when wrapped. */
    @Test
    void aDomainRefusalMarkedPermanentIsDeadLetteredNotWaitedOut() {
        class GrantAlreadyRevoked extends RuntimeException implements PermanentFailure {
            GrantAlreadyRevoked() {
                super("grant g is already revoked");
            }
        }
        assertEquals(Failures.Kind.PERMANENT, Failures.classify(new GrantAlreadyRevoked()));
        assertEquals(Failures.Kind.PERMANENT, Failures.classify(new IllegalStateException("the transaction rolled back", new GrantAlreadyRevoked())));
    }
}
