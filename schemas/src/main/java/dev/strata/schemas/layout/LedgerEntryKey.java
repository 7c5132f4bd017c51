package dev.strata.schemas.layout;

import dev.strata.schemas.TenantId;
import java.util.Objects;

/**
 * Names one entry of a tenant's erasure ledger, by the time it was requested and a sequence number
 * that tells apart two entries of the same microsecond: keys sort in request order.
 */
public record LedgerEntryKey(TenantId tenant, long requestedAtMicros, int seq) implements LayoutKey {
    public static final int MAX_SEQ = 999_999;

    public LedgerEntryKey {
        Objects.requireNonNull(tenant, "tenant");
        KeyTime.checkRange("ledger entry time", requestedAtMicros);
        if (seq < 0 || seq > MAX_SEQ) {
            throw new IllegalArgumentException("ledger entry seq " + seq + " is outside 0.." + MAX_SEQ);
        }
    }
}
