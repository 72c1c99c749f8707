package dev.portcullis.backbone.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.backbone.config.PortcullisSettings;
import dev.portcullis.backbone.problem.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;

/**
 * Body limits per route, decided from the request's headers before a byte of the body is read, so no caller, signed in or not,
 * can make a service hold large bodies: a declared length over the route's limit is a 413, and a body of unknown length
 * (chunked) on a limited route a 411; either answer closes the connection instead of draining what was sent. Routes:
 * {@code portcullis.http.small-body-paths} (a partner's SET pushes, open to callers without our token) take
 * {@code small-body} (64 KB); {@code bulk-paths} (the CSV import) take up to {@code quarkus.http.limits.max-body-size}, and only
 * with credentials; every other route takes {@code max-body} (1 MB).
 */
@ApplicationScoped
public class BodyLimits {

    @Inject
    PortcullisSettings settings;

    @Inject
    ObjectMapper json;

    void install(@Observes Router router) {
        // before the security and REST handlers: nothing has read the body yet
        router.route().order(-10_000).handler(this::check);
    }

    void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        String path = request.path();
        PortcullisSettings.Http http = settings.http();
        long limit;
        if (startsWithAny(path, http.smallBodyPaths())) {
            limit = http.smallBody().asLongValue();
        } else if (startsWithAny(path, http.bulkPaths()) && request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
            context.next(); // Quarkus' own limit holds
            return;
        } else {
            limit = http.maxBody().asLongValue();
        }
        String transferEncoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            refuse(context, 411, "Length Required", "a body here must declare its length (Content-Length), at most " + limit + " bytes");
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                refuse(context, 400, "Bad Request", "Content-Length is not a number");
                return;
            }
            if (declared > limit) {
                refuse(context, 413, "Content Too Large", "the body is " + declared + " bytes; " + path + " takes at most " + limit + " bytes"
                        + (startsWithAny(path, http.bulkPaths()) ? " without credentials" : ""));
                return;
            }
        }
        context.next();
    }

    private static boolean startsWithAny(String path, java.util.Optional<List<String>> prefixes) {
        return prefixes.isPresent() && prefixes.get().stream().anyMatch(path::startsWith);
    }

    private void refuse(RoutingContext context, int status, String title, String detail) {
        String body;
        try {
            body = json.writeValueAsString(new Problem("about:blank", title, status, detail, context.request().path(), null, null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // the body is never read: the connection is closed after the answer, not drained
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE).putHeader(HttpHeaders.CONNECTION, "close")
                .end(body).onComplete(done -> context.request().connection().close());
    }
}
