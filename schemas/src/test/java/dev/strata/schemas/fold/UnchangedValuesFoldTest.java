package dev.strata.schemas.fold;

import static dev.strata.schemas.testing.Changes.col;
import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.event;
import static dev.strata.schemas.testing.Changes.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.avro.Unsent;
import dev.strata.schemas.base.BaseBuilder;
import dev.strata.schemas.base.BaseLoader;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.event.ReleasedSchemaStore;
import dev.strata.schemas.fold.drain.FoldDrain;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.segment.SegmentWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An UPDATE that did not carry an unchanged TOAST value ({@link Unsent#UNCHANGED}) gets it from the
 * row's previous version: in the log, in a base, in any order of arrival; and only when the backup
 * has none is it NULL, counted and named.
 */
class UnchangedValuesFoldTest {
    private static final String DOCS = "public.docs";
    private static final long BIG = Long.MAX_VALUE;

    @TempDir
    Path dir;

    private static List<Column> doc(long id, String title, Object body, Object meta) {
        return List.of(col("id", "bigint", id), col("title", "text", title), col("body", "text", body), col("meta", "jsonb", meta));
    }

    private static ChangeEvent change(Op op, long lsn, long id, String title, Object body, Object meta) {
        return event("acme", DOCS, op, lsn, lsn, 1, key(id), null, doc(id, title, body, meta));
    }

    private static ChangeEvent untouched(long lsn, long id, String title) {
        return change(Op.UPDATE, lsn, id, title, Unsent.UNCHANGED, Unsent.UNCHANGED);
    }

    /** Three rows; row 1's body is rewritten once, the rest of the history only changes titles. */
    private static List<ChangeEvent> history() {
        return List.of(
                change(Op.CREATE, 100, 1, "a", "body-1", "{\"v\": 1}"),
                change(Op.CREATE, 110, 2, "b", "body-2", "{\"v\": 2}"),
                untouched(120, 1, "a2"),
                change(Op.UPDATE, 130, 1, "a3", "body-1-new", Unsent.UNCHANGED),
                untouched(140, 1, "a4"),
                untouched(150, 2, "b2"),
                delete("acme", DOCS, 160, 160, 2),
                change(Op.CREATE, 170, 2, "b3", "body-2-again", "{\"v\": 3}"),
                untouched(180, 2, "b4"),
                change(Op.CREATE, 190, 3, "c", "body-3", null),
                untouched(200, 3, "c2"));
    }

    private static final Map<String, String> AT_THE_END = Map.of(
            "[1]", "[1, a4, body-1-new, {\"v\": 1}]",
            "[2]", "[2, b4, body-2-again, {\"v\": 3}]",
            "[3]", "[3, c2, body-3, null]");

    @Test
    void takesTheValueFromThePreviousVersionInTheLog() {
        Folded f = Folded.of(history(), BIG, BIG, dir);
        assertThat(f.table(DOCS)).isEqualTo(AT_THE_END);
        assertThat(f.unresolved.rows()).isZero();
        assertThat(f.inOrderRows).as("carried values are read in order too").isEqualTo(f.table(DOCS).size());
        assertThat(Folded.of(history(), 125, BIG, dir).table(DOCS)).containsEntry("[1]", "[1, a2, body-1, {\"v\": 1}]");
        assertThat(Folded.of(history(), 155, BIG, dir).table(DOCS)).containsEntry("[2]", "[2, b2, body-2, {\"v\": 2}]");
    }

    @Test
    void anyOrderOfArrivalAndDuplicatesGiveTheSameRows() {
        Random random = new Random(3);
        for (int round = 0; round < 200; round++) {
            List<ChangeEvent> shuffled = new ArrayList<>(history());
            shuffled.addAll(history().subList(0, random.nextInt(history().size())));
            Collections.shuffle(shuffled, random);
            assertThat(Folded.of(shuffled, BIG, BIG, dir).table(DOCS)).as("order %s", shuffled).isEqualTo(AT_THE_END);
        }
    }

    @Test
    void foldingOnDiskGivesTheSameRows() {
        List<ChangeEvent> shuffled = new ArrayList<>(history());
        Collections.shuffle(shuffled, new Random(5));
        assertThat(Folded.of(shuffled, BIG, 1, dir).table(DOCS)).isEqualTo(AT_THE_END);
    }

    @Test
    void takesTheValueFromTheBaseTheFoldStartsFrom() throws IOException {
        for (long cut : new long[] {110, 125, 135, 165, 175, 195}) {
            assertThat(viaBase(history(), cut).table(DOCS)).as("cut %d", cut).isEqualTo(AT_THE_END);
        }
    }

    @Test
    void takesTheValueFromAKeyOrderedBaseStreamedPastTheLogAfterIt() throws IOException {
        for (long cut : new long[] {110, 125, 135, 165, 175, 195}) {
            BaseBuilder.Built built = base(history(), cut);
            assertThat(built.tables().get(0).keyOrdered()).isTrue();
            ShapeCatalog catalog = new ShapeCatalog();
            try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(BIG, dir, 4))) {
                BaseLoader.noteFinalShape(built.tables().get(0), catalog, folder);
                EventConverter converter = new EventConverter(catalog, BIG);
                history().stream().filter(e -> e.getCommitTsMicros() > cut).forEach(e -> converter.convert(e, folder::accept));
                List<String> whileStreamed = new ArrayList<>();
                Folded streamed = Folded.drained(catalog, folder, drain -> BaseLoader.stream(built.tables().get(0),
                        built.files().get(DOCS), DOCS, catalog, folder, new FoldDrain() {
                            @Override
                            public void upsert(int tableId, byte[] key, byte[] version) {
                                whileStreamed.add(Arrays.toString(new RowDecoder(catalog).key(key)));
                                drain.upsert(tableId, key, version);
                            }

                            @Override
                            public void tombstone(int tableId, byte[] key, byte[] version) {
                                whileStreamed.add("deleted " + Arrays.toString(new RowDecoder(catalog).key(key)));
                                drain.tombstone(tableId, key, version);
                            }
                        }));
                assertThat(streamed.table(DOCS)).as("cut %d", cut).isEqualTo(AT_THE_END);
                assertThat(whileStreamed).as("cut %d: every key handed over in key order while the base streamed", cut)
                        .containsExactly("[1]", "[2]", "[3]");
            }
        }
    }

    @Test
    void withoutAPreviousVersionTheValueIsNullCountedAndNamed() {
        // the history began after row 9 was last written: no snapshot, no earlier change
        List<ChangeEvent> log = List.of(untouched(100, 9, "x"), untouched(110, 9, "y"), change(Op.CREATE, 120, 1, "a", "b", "{}"));
        Folded f = Folded.of(log, BIG, BIG, dir);
        assertThat(f.table(DOCS)).containsEntry("[9]", "[9, y, null, null]");
        assertThat(f.unresolved.rows()).isEqualTo(1);
        assertThat(f.inOrderRows).as("row 9 lacks values: decoded by row(), which names it").isEqualTo(1);
        assertThat(f.unresolved.examples()).containsExactly(DOCS + " key [9] column(s) body, meta");
    }

    @Test
    void anUnresolvedValueStaysUnresolvedThroughABaseAndIsFilledByNothingNewer() throws IOException {
        List<ChangeEvent> log = List.of(untouched(100, 9, "x"), untouched(120, 9, "y"));
        Folded f = viaBase(log, 110);
        assertThat(f.table(DOCS)).containsEntry("[9]", "[9, y, null, null]");
        assertThat(f.unresolved.examples()).containsExactly(DOCS + " key [9] column(s) body, meta");
    }

    @Test
    void findsTheColumnByNameAcrossAnAddColumn() {
        List<ChangeEvent> log = List.of(
                event("acme", DOCS, Op.CREATE, 100, 100, 1, key(1), null, List.of(col("id", "bigint", 1L), col("body", "text", "long"))),
                event("acme", DOCS, Op.UPDATE, 110, 110, 1, key(1), null,
                        List.of(col("id", "bigint", 1L), col("added", "integer", 5L), col("body", "text", Unsent.UNCHANGED))));
        assertThat(Folded.of(log, BIG, BIG, dir).table(DOCS)).containsExactly(Map.entry("[1]", "[1, 5, long]"));
    }

    @Test
    void theFastDecoderReadsTheUnsentKindAndSegmentsOfTheOlderSchema() {
        ShapeCatalog catalog = new ShapeCatalog();
        List<FoldOp> fast = new ArrayList<>();
        new FastSegmentDecoder(TenantId.of("acme"), catalog, BIG).decode(SegmentWriter.encode(history()).bytes(), "test", fast::add);
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(BIG, dir, 4))) {
            folder.acceptAll(fast);
            assertThat(Folded.drained(catalog, folder).table(DOCS)).isEqualTo(AT_THE_END);
        }
        // v1's layout differs only by the union branch v2 added: its segments keep the fast path
        assertThat(FastSegmentDecoder.supports(ReleasedSchemaStore.load().versions().get(0).schema())).isTrue();
    }

    /** A base of the log up to {@code cut}, then only the log after it: the previous versions are in the base alone. */
    private BaseBuilder.Built base(List<ChangeEvent> log, long cut) throws IOException {
        Path out = Files.createTempDirectory(dir, "base");
        ShapeCatalog baseCatalog = new ShapeCatalog();
        EventConverter upToCut = new EventConverter(baseCatalog, cut);
        try (ChangeFolder folder = new ChangeFolder(baseCatalog, new FoldMemory(BIG, dir, 4))) {
            log.forEach(e -> upToCut.convert(e, folder::accept));
            return BaseBuilder.write(TenantId.of("acme"), new BaseCut(cut, cut * 100), baseCatalog, folder, out);
        }
    }

    private Folded viaBase(List<ChangeEvent> log, long cut) throws IOException {
        BaseBuilder.Built built = base(log, cut);
        ShapeCatalog catalog = new ShapeCatalog();
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(BIG, dir, 4))) {
            for (BaseTable t : built.tables()) {
                BaseLoader.load(t, built.files().get(t.table()), t.table(), catalog, folder);
            }
            EventConverter converter = new EventConverter(catalog, BIG);
            log.stream().filter(e -> e.getCommitTsMicros() > cut).forEach(e -> converter.convert(e, folder::accept));
            return Folded.drained(catalog, folder);
        }
    }
}
