package dev.portcullis.inventory.domain;

/** A partner organization: CONNECTED (configured by IT), PROPOSED (created when a guest from an unknown organization arrived), BLOCKED. */
public enum PartnerState {
    CONNECTED, PROPOSED, BLOCKED
}
