package dev.portcullis.inventory.domain;

/** APPLIED: it changed guests or grants; NO_CHANGE: its guests were blocked already, with nothing left to revoke; NO_MATCH: no guest has that home identity; RECORDED: kept for audit, this signal type does not act yet. */
public enum SignalOutcome {
    APPLIED, NO_CHANGE, NO_MATCH, RECORDED
}
