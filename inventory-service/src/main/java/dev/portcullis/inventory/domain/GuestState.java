package dev.portcullis.inventory.domain;

public enum GuestState {
    INVITED, ACTIVE, BLOCKED, REMOVED
}
