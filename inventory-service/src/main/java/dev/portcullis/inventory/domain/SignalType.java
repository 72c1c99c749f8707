package dev.portcullis.inventory.domain;

/** The partner signals of API.md (RISC account-disabled, account-enabled, account-purged, credential-compromise). */
public enum SignalType {
    ACCOUNT_DISABLED, ACCOUNT_ENABLED, ACCOUNT_PURGED, CREDENTIAL_COMPROMISED
}
