package dev.portcullis.inventory.domain;

/** APPLIED: it changed guests or grants; NO_CHANGE: nothing to change (blocked already with nothing left to revoke, not blocked by a partner, removed already); NO_MATCH: no guest has that home identity; RECORDED: kept for audit only (signals recorded before every type acted). */
public enum SignalOutcome {
    APPLIED, NO_CHANGE, NO_MATCH, RECORDED
}
