package dev.strata.schemas.kafka;

/**
 * Why a record was parked in the dead-letter topic instead of being backed up. Shared by every
 * service that parks records and by the operator's redrive, which selects records by reason.
 */
public enum DeadLetterReason {
    /** capture: the table has no tenant column and is not a schema-per-tenant table. */
    NO_TENANT,
    /** capture: the tenant value does not match the tenant id rule. */
    BAD_TENANT_ID,
    /** capture: a value that cannot be represented exactly; never altered to fit. */
    UNREPRESENTABLE_VALUE,
    /**
     * capture: the change's event is larger than {@code strata.max.event.bytes}; parked BY REFERENCE
     * (table, key, LSN, column, sizes in headers; never the value), so it cannot be re-driven.
     */
    VALUE_TOO_LARGE,
    /** router: the tenant has no placement yet; re-driven once it is placed. */
    UNPLACED,
    /** router: the placement names a regime that this deployment does not route to. */
    UNKNOWN_REGIME,
    /** router: the bytes are not a ChangeEvent any released schema can read. */
    DECODE_ERROR,
    /** sink: the tenant is placed in another regime than the sink's own. */
    WRONG_REGIME,
    /**
     * sink: the tenant was erased ({@code restore-tool tenants erase}); its changes are never stored again. Redrive
     * refuses nothing by itself: re-driven, they park again.
     */
    ERASED,
    /**
     * router: the tenant is being moved to another regime ({@code restore-tool tenants move}); its changes, heartbeats
     * included, wait here and the move redrives them into the new regime when it ends.
     */
    MOVING
}
