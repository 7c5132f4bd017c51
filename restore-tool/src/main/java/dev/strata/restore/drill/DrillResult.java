package dev.strata.restore.drill;

/** PASS: every checksum equal. FAIL: the backup does not restore what the source held. ERROR: the drill could not tell. */
public enum DrillResult {
    PASS,
    FAIL,
    ERROR
}
