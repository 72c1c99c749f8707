package dev.portcullis.events;

/**
 * How sensitive a resource is, ordered from least to most: inventory-service assigns it
 * ({@code resource-upserted} carries its name), policy-service compares against it.
 */
public enum Sensitivity {
    PUBLIC, GENERAL, CONFIDENTIAL, HIGHLY_CONFIDENTIAL
}
