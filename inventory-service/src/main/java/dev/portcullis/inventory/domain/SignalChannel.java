package dev.portcullis.inventory.domain;

public enum SignalChannel {
    REST, KAFKA
}
