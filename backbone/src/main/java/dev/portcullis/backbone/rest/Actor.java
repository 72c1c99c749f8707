package dev.portcullis.backbone.rest;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Who is acting in this request, as recorded on changes and events. */
@RequestScoped
public class Actor {

    @Inject
    SecurityIdentity identity;

    public String name() {
        return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }

    /**
     * The caller's email, lower case: the token's {@code email} claim, which its {@code email_verified} must vouch for, else the
     * principal's name (a client, or a provider that names people by address). Owners, reviewers, approvers and sponsors are known by
     * their address, so this is who they are: an address a person merely typed in proves nothing, and is a 403.
     */
    public String email() {
        if (identity.getPrincipal() instanceof JsonWebToken token && token.getClaim("email") != null) {
            Object verified = token.getClaim("email_verified");
            if (!(Boolean.TRUE.equals(verified) || "true".equals(String.valueOf(verified)))) {
                throw new ForbiddenException("the token's email " + token.getClaim("email") + " is not verified (email_verified): an owner,"
                        + " reviewer, approver or sponsor is known by a verified address only");
            }
            return token.getClaim("email").toString().toLowerCase(java.util.Locale.ROOT);
        }
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether the caller is a resource owner acting as one: the owner role without the admin's or the auditor's. */
    public boolean isOwnerOnly() {
        return identity.hasRole(Roles.OWNER) && !identity.hasRole(Roles.ADMIN) && !identity.hasRole(Roles.AUDITOR);
    }

    /** The caller's roles, as the token grants them (for a policy that asks who invites or grants). */
    public java.util.Set<String> roles() {
        return identity.isAnonymous() ? java.util.Set.of() : java.util.Set.copyOf(identity.getRoles());
    }

    /** The OIDC client the caller's token was issued to ({@code azp}, else {@code client_id}); null without a token. */
    public String clientId() {
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            Object azp = token.getClaim("azp");
            Object clientId = azp != null ? azp : token.getClaim("client_id");
            return clientId == null ? null : clientId.toString();
        }
        return null;
    }
}
