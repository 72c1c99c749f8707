package dev.portcullis.inventory.domain;

/** Ordered from least to most sensitive. */
public enum Sensitivity {
    PUBLIC, GENERAL, CONFIDENTIAL, HIGHLY_CONFIDENTIAL
}
