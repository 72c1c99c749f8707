package dev.portcullis.review.page;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;

/**
 * Cross-site request forgery, for the pages' forms: the session cookie is SameSite=Lax, so another
 * site's form arrives without it; and a browser names the page a form was posted from (Origin, else
 * Referer), which must be this service. A header that is no URI is no proof.
 */
final class SameOrigin {

    private SameOrigin() {
    }

    static boolean posted(HttpHeaders headers, UriInfo uriInfo) {
        String origin = headers.getHeaderString("Origin");
        String from = origin != null && !origin.equals("null") ? origin : headers.getHeaderString("Referer");
        if (from == null) {
            return false;
        }
        URI self = uriInfo.getBaseUri();
        URI sender;
        try {
            sender = URI.create(from);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return sender.getScheme() != null && sender.getHost() != null && self.getScheme().equalsIgnoreCase(sender.getScheme())
                && self.getHost().equalsIgnoreCase(sender.getHost()) && self.getPort() == sender.getPort();
    }
}
