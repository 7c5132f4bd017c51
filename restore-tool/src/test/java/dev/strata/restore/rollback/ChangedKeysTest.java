package dev.strata.restore.rollback;

import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.event;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.key;
import static dev.strata.schemas.testing.Changes.row;
import static dev.strata.schemas.testing.Changes.truncate;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.fold.FastSegmentDecoder;
import dev.strata.schemas.fold.SegmentFold;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.select.TransactionFilter;
import dev.strata.schemas.segment.SegmentWriter;
import dev.strata.schemas.testing.DeflateSegments;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The changes after a point, gathered the same through both of {@link SegmentFold}'s paths: the fast decoder (a
 * segment as SegmentWriter writes it) and Avro's reader (the same events with a codec the fast decoder does not read).
 */
class ChangedKeysTest {
    private static final String A = "acme";
    private static final String ORDERS = "public.orders";
    private static final String NOTES = "public.notes";
    private static final long POINT = 1_790_002_820_000_000L;
    private static final long DURABLE = POINT + 100;
    /** The transaction the snapshot does not see: lsn / 100, as Changes gives it. */
    private static final long UNSEEN = 23;

    private final List<ChangeEvent> events = List.of(
            update(A, ORDERS, POINT - 5, 1000, 1, "before the point"),
            update(A, ORDERS, POINT, 1100, 2, "at the point: in it, not after it"),
            insert(A, ORDERS, POINT + 1, 2000, 20, "inserted after"),
            update(A, ORDERS, POINT + 2, 2010, 3, "updated after"),
            delete(A, NOTES, POINT + 3, 2020, 4),
            // a key changed by an UPDATE: the old key goes, the new one is given a row
            event(A, ORDERS, Op.UPDATE, POINT + 4, 2030, 1, key(21), row(5, "v5"), row(21, "moved")),
            update(A, ORDERS, POINT + 5, UNSEEN * 100, 6, "unseen"),
            // a snapshot's READ carries its reader's transaction: counted seen or not
            event(A, NOTES, Op.READ, POINT + 6, UNSEEN * 100 + 10, 1, key(7), null, row(7, "read")),
            ddl(POINT + 7, 2400, "STRATA STARTUP"),
            event(A, "", Op.HEARTBEAT, POINT + 8, 2410, 0, null, null, null),
            update(A, ORDERS, DURABLE, 2500, 8, "at the durable point"),
            update(A, ORDERS, DURABLE + 1, 2600, 9, "after the durable point"));

    @Test
    void bothDecodersGatherTheSameKeysFirstChangesAndCounts() {
        Gathered fast = fast(events, TransactionFilter.ALL);
        Gathered avro = avro(events, TransactionFilter.ALL);

        assertThat(fast).isEqualTo(avro);
        assertThat(fast.reason()).isEmpty();
        assertThat(fast.events()).as("the 9 events after the point up to the durable point, the STARTUP definition and the heartbeat"
                + " counted").isEqualTo(9);
        assertThat(fast.keys()).containsOnlyKeys(ORDERS, NOTES);
        assertThat(fast.keys().get(ORDERS)).as("key [id]: gives a row first (1) or not (0)")
                .containsEntry("[20]", 1L).containsEntry("[3]", 0L).containsEntry("[5]", 0L).containsEntry("[21]", 1L).containsEntry("[6]", 0L)
                .containsEntry("[8]", 0L).hasSize(6);
        assertThat(fast.keys().get(NOTES)).containsEntry("[4]", 0L).containsEntry("[7]", 0L).hasSize(2);
    }

    @Test
    void bothLeaveOutTheRowChangesOfTransactionsTheSnapshotDoesNotSee() {
        TransactionFilter snapshot = txId -> txId != UNSEEN;
        Gathered fast = fast(events, snapshot);

        assertThat(fast).isEqualTo(avro(events, snapshot));
        assertThat(fast.keys().get(ORDERS)).doesNotContainKey("[6]");
        assertThat(fast.keys().get(NOTES)).as("a READ counts whoever read it").containsKey("[7]");
        assertThat(fast.events()).isEqualTo(8);
    }

    @Test
    void bothGiveTheSameReasonForATruncateOrADefinitionChangeAfterThePoint() {
        List<ChangeEvent> withDdl = new ArrayList<>(events);
        withDdl.add(truncate(A, NOTES, POINT + 8, 2450));
        withDdl.add(ddl(POINT + 9, 2460, "ALTER TABLE"));

        Gathered fast = fast(withDdl, TransactionFilter.ALL);

        assertThat(fast).isEqualTo(avro(withDdl, TransactionFilter.ALL));
        assertThat(fast.reason()).startsWith("a TRUNCATE of public.notes at ").endsWith("(and 1 more)");
    }

    @Test
    void eachKeyKeepsTheOldRowOfItsFirstChangeEvenWhenALaterSegmentIsReadFirst() {
        List<ChangeEvent> later = List.of(
                event(A, ORDERS, Op.UPDATE, POINT + 5, 2500, 1, key(3), row(3, "mid"), row(3, "late")),
                event(A, ORDERS, Op.UPDATE, POINT + 6, 2600, 1, key(4), row(4, "mid"), row(4, "late")));
        List<ChangeEvent> earlier = List.of(
                event(A, ORDERS, Op.UPDATE, POINT + 1, 2000, 1, key(3), row(3, "v3"), row(3, "mid")), // REPLICA IDENTITY FULL
                update(A, ORDERS, POINT + 2, 2100, 4, "mid"), // DEFAULT: an UPDATE that keeps its key carries no old row
                event(A, ORDERS, Op.DELETE, POINT + 3, 2200, 1, key(5), key(5), null)); // DEFAULT: the key's columns alone
        ShapeCatalog catalog = new ShapeCatalog();
        ChangedKeys changed = new ChangedKeys(catalog, POINT, TransactionFilter.ALL);
        for (List<ChangeEvent> segment : List.of(later, earlier)) {
            byte[] bytes = SegmentWriter.encode(segment).bytes();
            new SegmentFold(TenantId.of(A), catalog, DURABLE).read(bytes, "test", changed, null, changed);
        }

        ChangesSince.TableKeys keys = changed.found(2).tables().get(ORDERS);
        Map<String, List<Object>> atPoint = new TreeMap<>();
        keys.atPoint().forEach((key, row) -> atPoint.put(Arrays.toString(keys.values().get(key)), Arrays.asList(row.values())));
        assertThat(keys.values()).hasSize(3);
        assertThat(atPoint).as("key 3: the first change's old row; 4: its first change has none; 5: the key's columns only")
                .containsExactly(Map.entry("[3]", List.of(3L, "v3")));
    }

    /** One table's keys (as their values' text) with their first change's flag, the reason, and the events counted. */
    private record Gathered(Map<String, Map<String, Long>> keys, String reason, long events) {
        static Gathered of(ChangedKeys changed) {
            ChangesSince.Found found = changed.found(1);
            Map<String, Map<String, Long>> keys = new TreeMap<>();
            found.tables().forEach((table, k) -> {
                Map<String, Long> byKey = new TreeMap<>();
                k.values().forEach((key, values) -> byKey.put(Arrays.toString(values), k.first().get(key)[2]));
                keys.put(table, byKey);
            });
            return new Gathered(keys, found.fullDiffReason().orElse(""), found.events());
        }
    }

    private static Gathered fast(List<ChangeEvent> events, TransactionFilter visible) {
        return gather(SegmentWriter.encode(events).bytes(), visible);
    }

    /** The same events with the deflate codec: SegmentFold reads them through Avro's reader. */
    private static Gathered avro(List<ChangeEvent> events, TransactionFilter visible) {
        byte[] bytes = DeflateSegments.of(events);
        ShapeCatalog probe = new ShapeCatalog();
        assertThat(new FastSegmentDecoder(TenantId.of(A), probe, DURABLE).decode(bytes, "test", op -> { }))
                .as("the fast decoder leaves a deflate segment to Avro's reader").isNull();
        return gather(bytes, visible);
    }

    private static Gathered gather(byte[] segment, TransactionFilter visible) {
        ShapeCatalog catalog = new ShapeCatalog();
        ChangedKeys changed = new ChangedKeys(catalog, POINT, visible);
        new SegmentFold(TenantId.of(A), catalog, DURABLE).read(segment, "test", changed, null, changed);
        return Gathered.of(changed);
    }

    private static ChangeEvent ddl(long commitTs, long lsn, String tag) {
        String json = "{\"format\": \"strata.table-definition\", \"version\": 1, \"tag\": \"" + tag + "\", \"table\": \"" + ORDERS + "\","
                + " \"columns\": [], \"primaryKey\": [\"id\"], \"constraints\": [], \"indexes\": [], \"sequences\": []}";
        return ChangeEvent.newBuilder().setTenant(A).setSource("app-db").setTable(ORDERS).setOp(Op.DDL).setCommitTsMicros(commitTs)
                .setLsn(lsn).setTxId(lsn / 100).setTxOrder(0).setEventId("ddl:" + lsn).setTableDefinition(json).build();
    }
}
