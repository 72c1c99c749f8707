package dev.portcullis.review.service;

import dev.portcullis.backbone.rest.EmailAddress;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.UUID;

/** What the API takes for an access request (API.md): a submission, and an approver's decision. */
public final class RequestInput {

    private RequestInput() {
    }

    /**
     * A request for a package. {@code requester} is whom it is for: left out by a partner's person asking
     * for themselves, required from a sponsor or an admin asking on someone's behalf.
     */
    public record Submission(
            @NotNull UUID packageId,
            @Size(max = 2000) String justification,
            @Size(max = 10) Map<@NotBlank @Size(max = 64) String, @NotNull @Size(max = 2000) String> answers,
            @Valid Requester requester) {

        public Submission {
            answers = answers == null ? Map.of() : answers;
        }
    }

    /** The person a request is for. */
    public record Requester(
            @NotBlank @EmailAddress String email,
            @Size(max = 255) String homeTenantId,
            @Size(max = 255) String homeSubject,
            @Size(max = 200) String displayName) {
    }

    public enum Verdict { APPROVE, DENY }

    /** An approver's decision on the stage waiting for them. */
    public record Decision(@NotNull Verdict decision, @Size(max = 2000) String justification) {
    }
}
