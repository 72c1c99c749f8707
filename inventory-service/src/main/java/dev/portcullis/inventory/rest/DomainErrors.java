package dev.portcullis.inventory.rest;

import dev.portcullis.backbone.problem.ProblemMapper;
import dev.portcullis.inventory.domain.StateConflict;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The domain's refusals, as the API answers them (RFC 9457, through backbone's one problem format). */
public class DomainErrors {

    @ServerExceptionMapper(priority = 1)
    public Response stateConflict(StateConflict e, UriInfo uri) {
        return ProblemMapper.problem(409, "Conflict", e.getMessage(), uri.getPath(), null);
    }
}
