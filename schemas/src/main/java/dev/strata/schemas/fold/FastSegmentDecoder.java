package dev.strata.schemas.fold;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.event.ReleasedSchema;
import dev.strata.schemas.event.ReleasedSchemaStore;
import dev.strata.schemas.fold.definition.DefinitionHistory;
import dev.strata.schemas.fold.select.EventGate;
import dev.strata.schemas.fold.select.KeyInterest;
import dev.strata.schemas.fold.select.TransactionFilter;
import dev.strata.schemas.segment.ForeignTenantException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.Schema;

/**
 * Decodes a segment written with the CURRENT ChangeEvent schema straight into {@link FoldOp}s,
 * without building ChangeEvent objects: Avro's generic reader costs several microseconds per event
 * (records, lists, strings for every column name), which would dominate a restore. Each data block
 * is decompressed ({@link SegmentBlocks}) and read in place ({@link AvroCursor}). The rules are those of
 * {@link EventConverter} (the cut by cut time, not commit time), which remains the path for segments
 * of older released schemas ({@link #supports} says which). The caller has already checked the
 * bytes' SHA-256.
 *
 * <p>Every event's tenant is compared with the tenant being read: a matching SHA-256 only says the
 * bytes are those their writer declared, and the writer key can put any tenant's segment under any
 * tenant's prefix. The comparison is of bytes, in the block, so it costs no allocation.
 *
 * <p>With a {@link KeyInterest} (a rollback's few keys; a restore's keys whose change the fold already supersedes) only a
 * row change's key values are read first; the event is read again from its start when it is to be decoded, and otherwise its row
 * images are walked over without decoding their values (Avro gives no length for a record, so the
 * walk reads each column's tags and lengths); the new image's column names and types are read, for
 * its shape, while the interest needs it. A change of an UPDATE with an old image is always
 * decoded: its old key, which may be wanted, is in that image; so is a change of a keyless table,
 * whose key is its whole image.
 */
public final class FastSegmentDecoder {
    final TenantId tenant;
    final byte[] tenantBytes;
    final ShapeCatalog catalog;
    final long untilMicros;
    final TransactionFilter transactions;
    final DefinitionHistory definitions;

    /** @param tenant the tenant whose segments are read: an event of any other is refused ({@link ForeignTenantException}) */
    public FastSegmentDecoder(TenantId tenant, ShapeCatalog catalog, long untilMicros) {
        this(tenant, catalog, untilMicros, TransactionFilter.ALL);
    }

    public FastSegmentDecoder(TenantId tenant, ShapeCatalog catalog, long untilMicros, TransactionFilter transactions) {
        this(tenant, catalog, untilMicros, transactions, new DefinitionHistory());
    }

    /** @param definitions receives the table definitions (DDL events) up to the restore point */
    public FastSegmentDecoder(TenantId tenant, ShapeCatalog catalog, long untilMicros, TransactionFilter transactions,
                              DefinitionHistory definitions) {
        this.definitions = definitions;
        this.tenant = tenant;
        this.tenantBytes = tenant.value().getBytes(StandardCharsets.UTF_8);
        this.catalog = catalog;
        this.untilMicros = untilMicros;
        this.transactions = transactions;
    }

    /**
     * What one segment held.
     *
     * @param snapshotRows the snapshot rows (op READ) in the restore, whatever a gate then does with them: their cut time
     *     need not follow their place in commit order (see {@code CutClock} in capture)
     */
    public record Counts(long events, long afterUntil, long snapshotRows) {
    }

    /**
     * Released versions whose bytes this decoder reads: each later one only appended a branch or
     * symbol (v2 the column value union's Unsent, v3 the op HEARTBEAT, v4 the op DDL, v5 the op COMMIT), so every datum
     * an older writer wrote has the same encoding (enum and union indexes unchanged), or fields at the
     * end (v3 cutTsMicros, v4 previousCommitLsn and tableDefinition, v5 commitLsn), each read when the writer schema
     * has it (the cut taken as the commit time, the commit order as the LSN, no definition, when not;
     * see {@link SegmentEventReader#setSchema}).
     */
    private static final List<Schema> SAME_LAYOUT = ReleasedSchemaStore.load().versions().stream()
            .filter(released -> released.version() <= 5).map(ReleasedSchema::schema).toList();

    /** Whether a segment's writer schema is one whose layout this decoder reads. */
    public static boolean supports(Schema writer) {
        return writer.equals(ChangeEvent.getClassSchema()) || SAME_LAYOUT.contains(writer);
    }

    /**
     * @return null when the segment was written with another schema or codec (use SegmentReader and EventConverter)
     * @throws ForeignTenantException at the first event of another tenant
     */
    public Counts decode(byte[] segment, String source, Consumer<FoldOp> out) {
        return decode(segment, source, out, null);
    }

    /**
     * As {@link #decode(byte[], String, Consumer)}, decoding only the changes of keys {@code interest} wants (the others
     * are reported to it as skipped) and does not find superseded; null: every change.
     */
    public Counts decode(byte[] segment, String source, Consumer<FoldOp> out, KeyInterest interest) {
        return decode(segment, source, out, interest, null);
    }

    /**
     * As {@link #decode(byte[], String, Consumer, KeyInterest)}, each event in the restore judged by {@code gate} (null: none)
     * before its changes are handed over. A gated read decodes every change: it takes no interest.
     */
    public Counts decode(byte[] segment, String source, Consumer<FoldOp> out, KeyInterest interest, EventGate gate) {
        if (interest != null && gate != null) {
            throw new IllegalArgumentException("a gated read of segment " + source + " decodes every change: it takes no key interest");
        }
        SegmentEventReader reader = new SegmentEventReader(this, out, source, interest, gate);
        try (SegmentBlocks blocks = new SegmentBlocks(segment)) {
            if (!blocks.readable() || !supports(blocks.schema())) {
                return null;
            }
            reader.setSchema(blocks.schema());
            if (interest == null) {
                readEvents(blocks, reader);
            } else {
                skipOrReadEvents(blocks, reader);
            }
        } catch (ForeignTenantException e) {
            throw e; // names the object already, and is no decoding failure
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException(new IOException("segment " + source + " cannot be decoded although its SHA-256 matched: "
                    + e + " (the bytes its writer stored are damaged, or this tool has a bug: run restore-tool verify on the tenant,"
                    + " and report it)", e));
        }
        return new Counts(reader.events, reader.afterUntil, reader.snapshotRows);
    }

    /** Whole blocks, read in place: Avro's decoder would be asked once per value. */
    private static void readEvents(SegmentBlocks blocks, SegmentEventReader reader) throws IOException {
        AvroCursor in = reader.in;
        while (blocks.next(in)) {
            for (long i = blocks.count(); i > 0; i--) {
                if (reader.read()) {
                    reader.deliver();
                }
            }
            in.end(true);
        }
    }

    /**
     * As {@link #readEvents}, walking over the changes the interest does not want or finds superseded. A loop and a walk
     * of their own, so that the JIT compiles them apart from the whole read (that of a gated read, without an interest).
     */
    private static void skipOrReadEvents(SegmentBlocks blocks, SegmentEventReader reader) throws IOException {
        AvroCursor in = reader.in;
        while (blocks.next(in)) {
            for (long i = blocks.count(); i > 0; i--) {
                if (!reader.skip() && reader.read()) {
                    reader.deliver();
                }
            }
            in.end(true);
        }
    }
}
