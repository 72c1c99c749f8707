package dev.portcullis.notification.service;

import dev.portcullis.notification.config.NotificationSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Where webhooks may post: not into the platform's own network. An admin's URL that resolves to a loopback, link-local (the
 * clouds' metadata service), site-local or unique-local address would let a webhook reach what only the platform should, so
 * it is refused when the endpoint is added and again before each post (a name can be pointed elsewhere later), unless its host
 * is listed in {@code portcullis.notification.webhooks.private-hosts}.
 */
@ApplicationScoped
public class WebhookTargets {

    @Inject
    NotificationSettings settings;

    /** Why {@code url} may not be posted to, or null if it may. */
    public String refusal(URI url) {
        String host = url.getHost();
        if (host == null) {
            return "has no host";
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (settings.webhooks().privateHosts().map(hosts -> hosts.contains(bare)).orElse(false)) {
            return null;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            return "names a host that does not resolve (" + bare + ")";
        }
        for (InetAddress address : addresses) {
            if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress() || address.isAnyLocalAddress()
                    || address.isMulticastAddress() || (address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc)) {
                return "points into a private network (" + address.getHostAddress() + ")";
            }
        }
        return null;
    }
}
