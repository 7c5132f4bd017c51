package dev.strata.schemas.layout;

import dev.strata.schemas.TenantId;

/** The typed meaning of an object key: what {@link BackupLayout#parse(ObjectKey)} returns. */
public sealed interface LayoutKey permits SegmentKey, ManifestKey, BaseKey, BaseManifestKey, DrillKey, LateNoticeKey,
        DurableMarkKey, LedgerEntryKey, TombstoneKey {

    TenantId tenant();
}
