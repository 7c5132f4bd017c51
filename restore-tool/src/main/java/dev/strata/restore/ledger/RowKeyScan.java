package dev.strata.restore.ledger;

import dev.strata.restore.VerificationFailedException;
import dev.strata.restore.target.ColumnText;
import dev.strata.restore.store.FetchedObject;
import dev.strata.restore.store.ListedSegment;
import dev.strata.restore.store.LogListing;
import dev.strata.restore.store.ManifestIndex;
import dev.strata.restore.store.ObjectFetcher;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.RegionNotes;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.segment.ForeignTenantException;
import dev.strata.schemas.segment.SegmentReader;
import dev.strata.schemas.segment.SegmentTenants;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a tenant's whole log once, in order, for one table: which tables the tenant has, the
 * table's key and other columns, and every change of a row's key. Postgres sends an UPDATE that
 * changes the primary key as a DELETE of the old key and a CREATE of the new one at the same WAL
 * position of the same transaction (Debezium's split); an UPDATE whose old image holds other key
 * values is the same move. The ledger follows these moves so that a restore to a point before the
 * row got the key the request names still finds it.
 */
public final class RowKeyScan {
    private static final Set<Op> ROW_OPS = Set.of(Op.CREATE, Op.UPDATE, Op.DELETE, Op.READ, Op.TRUNCATE);
    private final Set<String> tables = new TreeSet<>();
    private final Set<String> keyColumns = new LinkedHashSet<>();
    private final Set<String> columns = new LinkedHashSet<>();
    private final List<Move> moves = new ArrayList<>();
    private final String table;
    private ChangeEvent previous;

    /** One change of a row's key: the whole key before and after. */
    record Move(Map<String, String> from, Map<String, String> to) {
    }

    private RowKeyScan(String table) {
        this.table = table;
    }

    public static RowKeyScan read(RegimeStores stores, TenantId tenant, String table) {
        RowKeyScan scan = new RowKeyScan(table);
        RegionNotes notes = new RegionNotes();
        List<ListedSegment> segments = LogListing.list(stores, tenant, Optional.empty(), Long.MAX_VALUE, notes).segments();
        if (segments.isEmpty()) {
            return scan;
        }
        ManifestIndex manifests = ManifestIndex.load(stores, tenant,
                segments.stream().map(s -> s.segment().hour()).min(Comparator.naturalOrder()).orElseThrow(),
                segments.stream().map(s -> s.segment().hour()).max(Comparator.naturalOrder()).orElseThrow(), notes);
        ObjectFetcher fetcher = new ObjectFetcher(stores, notes);
        for (ListedSegment segment : segments) {
            FetchedObject object = fetcher.fetch(segment.key(), segment.regions(), manifests.entry(segment.key()));
            try {
                SegmentTenants.requireTenant(object.bytes(), tenant, object.key().value());
            } catch (ForeignTenantException e) {
                throw new VerificationFailedException(e.getMessage(), e);
            }
            SegmentReader.readAllChecked(object.bytes(), object.key().value()).forEach(scan::see);
        }
        return scan;
    }

    private void see(ChangeEvent event) {
        if (!ROW_OPS.contains(event.getOp())) {
            return; // checkpoints, heartbeats, commits and definitions: never a row, and their table may be none of the tenant's
        }
        tables.add(event.getTable());
        if (!event.getTable().equals(table)) {
            return;
        }
        if (event.getKey() != null) {
            event.getKey().forEach(c -> keyColumns.add(c.getName()));
        }
        List<Column> image = event.getAfter() != null ? event.getAfter() : event.getBefore();
        if (image != null) {
            image.forEach(c -> columns.add(c.getName()));
        }
        if (event.getOp() == Op.UPDATE && event.getKey() != null && event.getBefore() != null) {
            Map<String, String> before = keyOf(event.getKey(), event.getBefore());
            if (before != null && !before.equals(text(event.getKey()))) {
                moves.add(new Move(before, text(event.getKey())));
            }
        }
        if (event.getOp() == Op.CREATE && previous != null && previous.getOp() == Op.DELETE && previous.getTable().equals(table)
                && previous.getLsn() == event.getLsn() && previous.getTxId() == event.getTxId()
                && previous.getKey() != null && event.getKey() != null) {
            moves.add(new Move(text(previous.getKey()), text(event.getKey())));
        }
        previous = event;
    }

    /** Every table of the tenant's log. */
    public Set<String> tables() {
        return tables;
    }

    public Set<String> keyColumns() {
        return keyColumns;
    }

    public Set<String> columns() {
        return columns;
    }

    /**
     * Every whole key that the rows matching {@code key} had at some time in the log, other than those matching it:
     * the key moves followed both ways, as often as they chain.
     */
    public List<Map<String, String>> aliases(Map<String, String> key) {
        Set<Map<String, String>> found = new LinkedHashSet<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Move move : moves) {
                boolean fromErased = ErasedRows.matchesKey(key, move.from()) || found.contains(move.from());
                boolean toErased = ErasedRows.matchesKey(key, move.to()) || found.contains(move.to());
                if (fromErased || toErased) {
                    grew |= found.add(move.from()) | found.add(move.to());
                }
            }
        }
        found.removeIf(k -> ErasedRows.matchesKey(key, k));
        return List.copyOf(found);
    }

    private static Map<String, String> keyOf(List<Column> key, List<Column> image) {
        Map<String, String> all = ColumnText.of(image);
        Map<String, String> values = new LinkedHashMap<>();
        for (Column k : key) {
            if (!all.containsKey(k.getName())) {
                return null;
            }
            values.put(k.getName(), all.get(k.getName()));
        }
        return values;
    }

    private static Map<String, String> text(List<Column> columns) {
        return ColumnText.of(columns);
    }
}
