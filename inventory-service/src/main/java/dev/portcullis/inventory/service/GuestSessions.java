package dev.portcullis.inventory.service;

import dev.portcullis.inventory.domain.Guest;

/**
 * Where a guest's sessions in our own applications are told to end: a port, so that the service layer knows nothing of the
 * protocol that tells them (our CAEP transmitter implements it, in {@code ssf}).
 */
public interface GuestSessions {

    /**
     * In the caller's transaction, so that nothing is told of a change that rolled back: the guest (blocked or removed) must be
     * signed out everywhere, as {@code initiatingEntity} ({@code admin} or {@code policy}) decided for {@code reason}. Returns how
     * many receivers will be told.
     */
    int revoke(Guest guest, String initiatingEntity, String reason);
}
