package dev.portcullis.inventory.domain;

public enum SignalChannel {
    REST, KAFKA, /** a Security Event Token pushed by the partner's Shared Signals transmitter */ SSF
}
