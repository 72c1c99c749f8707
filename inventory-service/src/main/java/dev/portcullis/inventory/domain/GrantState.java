package dev.portcullis.inventory.domain;

public enum GrantState {
    ACTIVE, REVOKED
}
