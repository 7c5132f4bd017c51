package dev.strata.schemas.fold;

import static dev.strata.schemas.TestEvents.column;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.fold.definition.DefinitionHistory;
import dev.strata.schemas.fold.drain.FoldDrain;
import dev.strata.schemas.fold.select.TransactionFilter;
import dev.strata.schemas.segment.SegmentWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Table definitions in the log: columns followed by attnum across RENAME and DROP, and a row older
 * than an ADD COLUMN given the missing value that ADD COLUMN recorded, also after a rewrite cleared
 * it from the catalog; read the same by the fast decoder and the event converter.
 */
class SchemaHistoryFoldTest {
    private static final String T = "public.items";
    private static final long BIG = Long.MAX_VALUE;

    @TempDir
    Path dir;

    /** id(1) name(2); rows 1, 2; ADD c DEFAULT 5 (3); row 1 c=7; RENAME name -> full_name; ALTER TYPE (rewrite clears c's missing value); DROP full_name. */
    private static List<ChangeEvent> log() {
        return List.of(
                ddl(10, "STRATA STARTUP", col(1, "id", "integer", null), col(2, "name", "text", null)),
                row(Op.CREATE, 20, 1, column("name", "text", "one")),
                row(Op.CREATE, 30, 2, column("name", "text", "two")),
                ddl(40, "ALTER TABLE", col(1, "id", "integer", null), col(2, "name", "text", null), col(3, "c", "integer", "5")),
                row(Op.UPDATE, 50, 1, column("name", "text", "one"), column("c", "integer", 7L)),
                ddl(60, "ALTER TABLE", col(1, "id", "integer", null), col(2, "full_name", "text", null), col(3, "c", "integer", "5")),
                ddl(70, "ALTER TABLE", col(1, "id", "bigint", null), col(2, "full_name", "text", null), col(3, "c", "integer", null)),
                ddl(80, "ALTER TABLE", col(1, "id", "bigint", null), dropped(2), col(3, "c", "integer", null)));
    }

    @Test
    void eachPointReadsTheRowsInTheDefinitionInForceThen() {
        assertThat(fold(log(), 35)).isEqualTo(Map.of("columns", "[id, name]", "[1]", "[1, one]", "[2]", "[2, two]"));
        assertThat(fold(log(), 45)).as("the ADD COLUMN's missing value for rows before it")
                .isEqualTo(Map.of("columns", "[id, name, c]", "[1]", "[1, one, 5]", "[2]", "[2, two, 5]"));
        assertThat(fold(log(), 65)).as("renamed: rows written under the old name come out under the new one")
                .isEqualTo(Map.of("columns", "[id, full_name, c]", "[1]", "[1, one, 7]", "[2]", "[2, two, 5]"));
        assertThat(fold(log(), 75)).as("a rewrite cleared the catalog's missing value, not the rows'")
                .isEqualTo(Map.of("columns", "[id, full_name, c]", "[1]", "[1, one, 7]", "[2]", "[2, two, 5]"));
        assertThat(fold(log(), BIG)).isEqualTo(Map.of("columns", "[id, c]", "[1]", "[1, 7]", "[2]", "[2, 5]"));
    }

    @Test
    void onlyARowInTheFinalColumnsWithNothingToFillIsHandedOverInOrder() {
        assertThat(inOrder(35)).as("written in the final definition").containsExactly("[1]", "[2]");
        assertThat(inOrder(45)).as("both rows predate c: its missing value is filled").isEmpty();
        assertThat(inOrder(65)).as("row 1 was written with c, under the old name of full_name: the same attnums")
                .containsExactly("[1]");
        assertThat(inOrder(BIG)).as("full_name dropped: the values no longer line up").isEmpty();
    }

    private List<String> inOrder(long until) {
        List<String> inOrder = new ArrayList<>();
        fold(log(), until, inOrder);
        return inOrder;
    }

    @Test
    void theFastDecoderAndTheConverterAgree() {
        ShapeCatalog catalog = new ShapeCatalog();
        DefinitionHistory definitions = new DefinitionHistory();
        List<FoldOp> ops = new ArrayList<>();
        FastSegmentDecoder.Counts counts = new FastSegmentDecoder(TenantId.of("acme"), catalog, 65, TransactionFilter.ALL, definitions)
                .decode(SegmentWriter.encode(log()).bytes(), "test", ops::add);
        assertThat(counts).isNotNull();
        assertThat(drain(catalog, definitions, ops)).isEqualTo(fold(log(), 65));
    }

    private Map<String, String> fold(List<ChangeEvent> events, long until) {
        return fold(events, until, new ArrayList<>());
    }

    private Map<String, String> fold(List<ChangeEvent> events, long until, List<String> inOrder) {
        ShapeCatalog catalog = new ShapeCatalog();
        DefinitionHistory definitions = new DefinitionHistory();
        EventConverter converter = new EventConverter(catalog, until, TransactionFilter.ALL, definitions);
        List<FoldOp> ops = new ArrayList<>();
        events.forEach(e -> converter.convert(e, ops::add));
        return drain(catalog, definitions, ops, inOrder);
    }

    private Map<String, String> drain(ShapeCatalog catalog, DefinitionHistory definitions, List<FoldOp> ops) {
        return drain(catalog, definitions, ops, new ArrayList<>());
    }

    /** @param inOrder gets the keys of the rows {@link RowDecoder#writeTo} took (handing the values row() gave) */
    private Map<String, String> drain(ShapeCatalog catalog, DefinitionHistory definitions, List<FoldOp> ops, List<String> inOrder) {
        Map<String, String> rows = new TreeMap<>();
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(BIG, dir, 4))) {
            folder.acceptAll(ops);
            int tableId = catalog.tableId(T);
            int shape = catalog.shapeId(definitions.currentShape(tableId).orElseThrow());
            rows.put("columns", catalog.shape(shape).columns().toString());
            RowDecoder decoder = new RowDecoder(catalog, definitions);
            folder.drain(new FoldDrain() {
                @Override
                public void upsert(int id, byte[] key, byte[] version) {
                    Object[] row = decoder.row(key, version, shape);
                    String name = Arrays.toString(decoder.key(key));
                    rows.put(name, Arrays.toString(row));
                    if (InOrderRow.check(decoder, version, shape, row)) {
                        inOrder.add(name);
                    }
                }

                @Override
                public void tombstone(int id, byte[] key, byte[] version) {
                }
            });
        }
        return rows;
    }

    private static ChangeEvent row(Op op, long lsn, long id, Column... rest) {
        List<Column> after = new ArrayList<>(List.of(column("id", "integer", id)));
        after.addAll(List.of(rest));
        return ChangeEvent.newBuilder().setTenant("acme").setSource("app").setTable(T).setOp(op).setCommitTsMicros(lsn).setLsn(lsn)
                .setTxId(lsn).setTxOrder(0).setKey(List.of(column("id", "integer", id))).setAfter(after).setEventId(lsn + ":0").build();
    }

    private static ChangeEvent ddl(long lsn, String tag, String... columns) {
        String json = "{\"format\": \"strata.table-definition\", \"version\": 1, \"tag\": \"" + tag + "\", \"table\": \"" + T + "\","
                + " \"columns\": [" + String.join(", ", columns) + "], \"primaryKey\": [\"id\"], \"constraints\": [], \"indexes\": [],"
                + " \"sequences\": []}";
        return ChangeEvent.newBuilder().setTenant("acme").setSource("app").setTable(T).setOp(Op.DDL).setCommitTsMicros(lsn).setLsn(lsn)
                .setTxId(lsn).setTxOrder(0).setEventId("ddl:" + lsn + ":acme").setTableDefinition(json).build();
    }

    private static String col(int attnum, String name, String type, String missing) {
        return "{\"attnum\": " + attnum + ", \"name\": \"" + name + "\", \"type\": \"" + type + "\", \"notNull\": false,"
                + " \"default\": null, \"identity\": \"\", \"hasMissing\": " + (missing != null) + ", \"missing\": "
                + (missing == null ? "null" : "\"" + missing + "\"") + ", \"dropped\": false}";
    }

    private static String dropped(int attnum) {
        return "{\"attnum\": " + attnum + ", \"name\": \"........pg.dropped." + attnum + "........\", \"type\": \"-\", \"dropped\": true}";
    }
}
