package dev.strata.schemas.fold;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.event.CutTime;
import dev.strata.schemas.fold.definition.DefinitionHistory;
import dev.strata.schemas.fold.select.EventGate;
import dev.strata.schemas.fold.select.KeyInterest;
import dev.strata.schemas.fold.select.TransactionFilter;
import dev.strata.schemas.segment.ForeignTenantException;
import dev.strata.schemas.segment.SegmentReader;

import java.util.function.Consumer;

/**
 * Turns one verified segment into fold operations, up to a restore point or a base's cut: the fast
 * decoder for segments of the current schema, the SegmentReader and {@link EventConverter} for
 * older ones. Shared by replay and base-making, so both read a segment the same way, and both
 * refuse a segment holding another tenant's events ({@link ForeignTenantException}).
 */
public final class SegmentFold {
    private final TenantId tenant;
    private final ShapeCatalog catalog;
    private final long untilMicros;
    private final TransactionFilter transactions;
    private final FastSegmentDecoder fast;
    private final EventConverter converter;

    /** @param tenant the tenant whose segments are read */
    public SegmentFold(TenantId tenant, ShapeCatalog catalog, long untilMicros) {
        this(tenant, catalog, untilMicros, TransactionFilter.ALL);
    }

    /** Keeps only the transactions {@code transactions} includes (a drill: those visible in a snapshot). */
    public SegmentFold(TenantId tenant, ShapeCatalog catalog, long untilMicros, TransactionFilter transactions) {
        this(tenant, catalog, untilMicros, transactions, new DefinitionHistory());
    }

    /** @param definitions receives the table definitions (DDL events) up to the point, for the restore to rebuild each table */
    public SegmentFold(TenantId tenant, ShapeCatalog catalog, long untilMicros, TransactionFilter transactions,
                       DefinitionHistory definitions) {
        this.tenant = tenant;
        this.catalog = catalog;
        this.untilMicros = untilMicros;
        this.transactions = transactions;
        this.fast = new FastSegmentDecoder(tenant, catalog, untilMicros, transactions, definitions);
        this.converter = new EventConverter(catalog, untilMicros, transactions, definitions);
    }

    /**
     * @param bytes the segment, already checked whole (see {@link SegmentReader#openChecked})
     * @return events read, and how many of them were committed after the point
     */
    public FastSegmentDecoder.Counts read(byte[] bytes, String source, Consumer<FoldOp> out) {
        return read(bytes, source, out, null);
    }

    /**
     * As {@link #read(byte[], String, Consumer)}; the fast decoder skips the changes of keys {@code interest}
     * does not want or finds superseded (null: none), the path for older schemas hands every change to {@code out}.
     */
    public FastSegmentDecoder.Counts read(byte[] bytes, String source, Consumer<FoldOp> out, KeyInterest interest) {
        return read(bytes, source, out, interest, null);
    }

    /**
     * As {@link #read(byte[], String, Consumer, KeyInterest)}, each event judged by {@code gate} (null: none) before
     * its changes are handed to {@code out}; a gated read takes no interest (every change is decoded).
     */
    public FastSegmentDecoder.Counts read(byte[] bytes, String source, Consumer<FoldOp> out, KeyInterest interest,
                                         EventGate gate) {
        FastSegmentDecoder.Counts counts = fast.decode(bytes, source, out, interest, gate);
        if (counts != null) {
            return counts;
        }
        long events = 0;
        long after = 0;
        long snapshotRows = 0;
        try (SegmentReader reader = SegmentReader.openChecked(bytes, source)) {
            while (reader.hasNext()) {
                ChangeEvent event = reader.next();
                if (!event.getTenant().equals(tenant.value())) {
                    throw new ForeignTenantException(source, tenant, event.getTenant(), events);
                }
                events++;
                long cut = CutTime.of(event);
                boolean inRestore = cut <= untilMicros && transactions.includes(event.getTxId());
                if (inRestore && event.getOp() == Op.READ) {
                    snapshotRows++; // as the fast decoder: before the gate
                }
                // as the fast decoder: the gate sees the events at or before the point that the transaction filter keeps
                if (gate != null && inRestore && !gate.pass(event.getOp(), catalog.tableId(event.getTable()), event.getCommitTsMicros(),
                        cut, event.getTxId(), event.getTableDefinition())) {
                    continue;
                }
                if (converter.convert(event, out) == EventConverter.Outcome.AFTER_UNTIL) {
                    after++;
                }
            }
        }
        return new FastSegmentDecoder.Counts(events, after, snapshotRows);
    }
}
