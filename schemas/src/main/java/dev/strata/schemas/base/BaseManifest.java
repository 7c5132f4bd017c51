package dev.strata.schemas.base;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BaseKey;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ManifestEntry;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a base is: every change of the tenant committed at or before {@code cut} folded to the last
 * image per (table, key). Written LAST, after every table object is durable in both regions: a
 * base without its manifest does not exist for any reader.
 *
 * @param previous the base this one was folded from, if any, with its manifest's SHA-256
 * @param folded the objects folded into it (the previous base's manifest and log segments), with their SHA-256
 * @param lateNoticesFrom the arrival time from which a reader of this base lists late notices
 *     ({@link BackupLayout#latePrefix}): the base folded the segment of every notice that arrived
 *     earlier (as far as its cut reaches). Empty in bases made before late notices existed: a
 *     reader then lists every notice of the tenant.
 * @param duplicatesRemoved changes this fold found twice (the same LSN and order as the version it held for their
 *     key: a whole transaction written twice after a crash) and kept once; 0 in manifests written before it was counted
 * @param definitions every table definition (DDL event) up to the cut, in log order per table; empty in bases made
 *     before schema history, or of a tenant whose capture ran without it
 */
public record BaseManifest(TenantId tenant, BaseCut cut, Optional<PreviousBase> previous, List<BaseTable> tables,
                           List<ManifestEntry> folded, Optional<Long> lateNoticesFrom, long duplicatesRemoved,
                           List<BaseDefinition> definitions) {

    public BaseManifest {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(cut, "cut");
        Objects.requireNonNull(previous, "previous");
        tables = List.copyOf(tables);
        folded = List.copyOf(folded);
        Objects.requireNonNull(lateNoticesFrom, "lateNoticesFrom");
        definitions = List.copyOf(definitions);
    }

    /** A base without table definitions (as those made before schema history). */
    public BaseManifest(TenantId tenant, BaseCut cut, Optional<PreviousBase> previous, List<BaseTable> tables, List<ManifestEntry> folded,
                        Optional<Long> lateNoticesFrom, long duplicatesRemoved) {
        this(tenant, cut, previous, tables, folded, lateNoticesFrom, duplicatesRemoved, List.of());
    }

    /** A base that says nothing of late notices nor of duplicates (as those made before either was recorded). */
    public BaseManifest(TenantId tenant, BaseCut cut, Optional<PreviousBase> previous, List<BaseTable> tables, List<ManifestEntry> folded) {
        this(tenant, cut, previous, tables, folded, Optional.empty(), 0);
    }

    public BaseManifestKey key() {
        return new BaseManifestKey(tenant, cut);
    }

    public ObjectKey objectKey() {
        return BackupLayout.baseManifest(key());
    }

    public ObjectKey tableKey(BaseTable table) {
        return BackupLayout.base(new BaseKey(tenant, cut, table.table()));
    }

    public long rows() {
        return tables.stream().mapToLong(BaseTable::rows).sum();
    }

    public long bytes() {
        return tables.stream().mapToLong(BaseTable::size).sum();
    }

    /** The base a newer one was folded from. */
    public record PreviousBase(BaseCut cut, dev.strata.schemas.Sha256 manifestSha256) {
        public PreviousBase {
            Objects.requireNonNull(cut, "cut");
            Objects.requireNonNull(manifestSha256, "manifestSha256");
        }
    }
}
