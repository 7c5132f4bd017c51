package dev.strata.schemas.fold;

import static dev.strata.schemas.testing.Changes.col;
import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.event;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.key;
import static dev.strata.schemas.testing.Changes.truncate;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.base.BaseBuilder;
import dev.strata.schemas.base.BaseDefinition;
import dev.strata.schemas.base.BaseLoader;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.base.BaseManifestCodec;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.fold.drain.FoldDrain;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.ObjectFileOutput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fold from a base plus the log after its cut equals the fold of the whole log: rows, tombstones, shapes. */
class FoldFromBaseTest {
    private static final TenantId TENANT = TenantId.of("acme");
    private static final String ORDERS = "public.orders";
    private static final String NOTES = "public.notes";
    private static final long BIG = Long.MAX_VALUE;

    @TempDir
    Path dir;

    @Test
    void aRandomHistoryFoldsTheSameFromEveryCut() throws IOException {
        sameFromEveryCut(history(new Random(7), 600), this::viaBase);
    }

    @Test
    void aBaseStreamedPastTheFoldOfTheLogIsTheSame() throws IOException {
        List<ChangeEvent> log = history(new Random(13), 600);
        sameFromEveryCut(log, this::viaStreamedBase);
        long last = log.get(log.size() - 1).getCommitTsMicros();
        same(viaStreamedBase(log, last / 2, last, 4096), whole(log, last));
    }

    /** A way to fold from a base at a cut up to a point. */
    private interface ViaBase {
        Folded fold(List<ChangeEvent> log, long cut, long until, long budget) throws IOException;
    }

    private void sameFromEveryCut(List<ChangeEvent> log, ViaBase via) throws IOException {
        long last = log.get(log.size() - 1).getCommitTsMicros();
        for (long cut : new long[] {1, 50, 200, 333, last - 1, last}) {
            for (long until : new long[] {cut, cut + 1, (cut + last) / 2, last}) {
                assertThat(via.fold(log, cut, until, BIG)).as("cut %d until %d", cut, until).satisfies(f -> same(f, whole(log, until)));
            }
        }
    }

    @Test
    void aKeyOrderedBaseAndARandomTailLoadAsOneAscendingRunWithTheWholeLogsRows() throws IOException {
        List<ChangeEvent> log = new ArrayList<>();
        Random random = new Random(29);
        for (long lsn = 1; lsn <= 4000; lsn++) {
            long id = random.nextInt(3_000) - 1_000;
            int pick = random.nextInt(8);
            log.add(pick == 0 ? delete("acme", ORDERS, lsn, lsn, id) : pick < 4 ? insert("acme", ORDERS, lsn, lsn, id, "i" + lsn)
                    : update("acme", ORDERS, lsn, lsn, id, "u" + lsn));
        }
        List<Long> order = new ArrayList<>();
        for (long cut : new long[] {1, 2000, 3900, 4000}) {
            same(viaStreamedBase(log, cut, BIG, BIG, 2048), whole(log, BIG)); // a tail folded past its budget: spilled, hash order
            ShapeCatalog catalog = new ShapeCatalog();
            BaseBuilder.Built built = build(log, cut, BIG, Files.createTempDirectory(dir, "base"), new BaseCut(cut, cut * 100));
            order.clear();
            Folded streamed;
            try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(BIG, dir, 4))) {
                BaseLoader.noteFinalShape(built.tables().get(0), catalog, folder);
                EventConverter converter = new EventConverter(catalog, BIG);
                log.stream().filter(e -> e.getCommitTsMicros() > cut).forEach(e -> converter.convert(e, folder::accept));
                RowDecoder decoder = new RowDecoder(catalog);
                streamed = Folded.drained(catalog, folder, drain -> BaseLoader.stream(built.tables().get(0),
                        built.files().get(ORDERS), ORDERS, catalog, folder, new FoldDrain() {
                            @Override
                            public void upsert(int tableId, byte[] key, byte[] version) {
                                order.add((Long) decoder.key(key)[0]);
                                drain.upsert(tableId, key, version);
                            }

                            @Override
                            public void tombstone(int tableId, byte[] key, byte[] version) {
                                order.add((Long) decoder.key(key)[0]);
                                drain.tombstone(tableId, key, version);
                            }
                        }));
            }
            same(streamed, whole(log, BIG));
            assertThat(order).as("cut %d: every key handed over while the base streamed, in one ascending run", cut)
                    .hasSize(streamed.rows.get(ORDERS).size() + streamed.tombstones.getOrDefault(ORDERS, java.util.Map.of()).size())
                    .isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void aBaseHoldsTheRowsOfATableKeyedByOneIntegerInKeyOrder() throws IOException {
        List<ChangeEvent> log = new ArrayList<>();
        Random random = new Random(17);
        for (long lsn = 1; lsn <= 3000; lsn++) {
            long id = random.nextInt(100_000) - 50_000;
            log.add(random.nextInt(6) == 0 ? delete("acme", ORDERS, lsn, lsn, id) : update("acme", ORDERS, lsn, lsn, id, "v" + lsn));
        }
        BaseBuilder.Built built = build(log, BIG, BIG, Files.createTempDirectory(dir, "base"), new BaseCut(3000, 3000));
        ShapeCatalog catalog = new ShapeCatalog();
        List<Long> read = new ArrayList<>();
        try (ChangeFolder empty = new ChangeFolder(catalog, new FoldMemory(BIG, dir, 4))) {
            RowDecoder decoder = new RowDecoder(catalog);
            BaseTable orders = built.tables().get(0);
            BaseLoader.stream(orders, built.files().get(ORDERS), ORDERS, catalog, empty, new FoldDrain() {
                @Override
                public void upsert(int tableId, byte[] key, byte[] version) {
                    read.add((Long) decoder.key(key)[0]);
                }

                @Override
                public void tombstone(int tableId, byte[] key, byte[] version) {
                    read.add((Long) decoder.key(key)[0]);
                }
            });
        }
        assertThat(read).hasSizeGreaterThan(2000).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aBaseFoldedWithSpillingIsTheSame() throws IOException {
        List<ChangeEvent> log = history(new Random(11), 2000);
        long last = log.get(log.size() - 1).getCommitTsMicros();
        same(viaBase(log, last / 2, last, 4096), whole(log, last));
    }

    @Test
    void keepsTruncatedKeysAndShapesOfDeletedRows() throws IOException {
        List<ChangeEvent> log = List.of(
                insert("acme", ORDERS, 1, 100, 1, "a"),
                insert("acme", ORDERS, 2, 200, 2, "b"),
                truncate("acme", ORDERS, 3, 300),
                event("acme", NOTES, Op.CREATE, 4, 400, 1, key(9), null, List.of(col("id", "bigint", 9L), col("extra", "text", "x"))),
                delete("acme", NOTES, 5, 500, 9),
                truncate("acme", "public.empty", 6, 600),
                insert("acme", ORDERS, 7, 700, 3, "c"));
        for (long cut = 1; cut <= 7; cut++) {
            same(viaBase(log, cut, 7, BIG), whole(log, 7));
        }
    }

    @Test
    void theSameFoldWritesTheSameBytesAndTheManifestRoundTrips() throws IOException {
        List<ChangeEvent> log = history(new Random(3), 300);
        BaseCut cut = new BaseCut(150, 15_000);
        BaseBuilder.Built first = build(log, 150, BIG, Files.createDirectory(dir.resolve("one")), cut);
        BaseBuilder.Built second = build(log, 150, BIG, Files.createDirectory(dir.resolve("two")), cut);
        assertThat(second.tables()).isEqualTo(first.tables());
        for (BaseTable t : first.tables()) {
            assertThat(Sha256.of(Files.readAllBytes(first.files().get(t.table()).path()))).isEqualTo(t.sha256());
        }
        BaseManifest manifest = new BaseManifest(TENANT, cut, Optional.of(new BaseManifest.PreviousBase(new BaseCut(5, 500),
                Sha256.of(new byte[] {1}))), first.tables(), List.of());
        byte[] bytes = BaseManifestCodec.encode(manifest);
        assertThat(BaseManifestCodec.decode(bytes)).isEqualTo(manifest);
        assertThat(BaseManifestCodec.encode(BaseManifestCodec.decode(bytes))).isEqualTo(bytes);
        assertThat(first.tables()).extracting(BaseTable::keyOrdered).contains(true);
        BaseTable hashOrder = first.tables().get(0);
        hashOrder = new BaseTable(hashOrder.table(), hashOrder.rows(), hashOrder.tombstones(), hashOrder.size(), hashOrder.sha256(),
                hashOrder.shapes(), hashOrder.finalShape(), hashOrder.finalShapeAt(), hashOrder.truncatedAt(), false);
        byte[] older = BaseManifestCodec.encode(new BaseManifest(TENANT, cut, Optional.empty(), List.of(hashOrder), List.of()));
        assertThat(new String(older, java.nio.charset.StandardCharsets.UTF_8)).as("as a base made before the field").doesNotContain("keyOrdered");
        assertThat(BaseManifestCodec.decode(older).tables().get(0).keyOrdered()).isFalse();
        assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).as("no definitions, no field").doesNotContain("definitions");

        BaseManifest withDefinitions = new BaseManifest(TENANT, cut, Optional.empty(), first.tables(), List.of(), Optional.of(7L), 0,
                List.of(new BaseDefinition("public.orders", new FoldPosition(400, 2), 40, "{\"format\": \"strata.table-definition\"}")));
        byte[] withBytes = BaseManifestCodec.encode(withDefinitions);
        assertThat(BaseManifestCodec.decode(withBytes)).isEqualTo(withDefinitions);
    }

    @Test
    void aTableFileWhoseBytesAreNotTheManifestsIsRefusedBeforeAnyRowIsFolded() throws IOException {
        List<ChangeEvent> log = history(new Random(5), 100);
        BaseBuilder.Built built = build(log, 80, BIG, Files.createDirectory(dir.resolve("built")), new BaseCut(80, 8000));
        BaseTable table = built.tables().get(0);
        byte[] altered = Files.readAllBytes(built.files().get(table.table()).path());
        altered[altered.length / 2] ^= 0x5a;
        ObjectFile received = ObjectFileOutput.copy(new ByteArrayInputStream(altered), dir.resolve("received.avro"));
        ShapeCatalog catalog = new ShapeCatalog();
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(BIG, dir, 4))) {
            assertThatThrownBy(() -> BaseLoader.load(table, received, "bases/" + table.table(), catalog, folder))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bases/" + table.table())
                    .hasMessageContaining(table.sha256().hex())
                    .hasMessageContaining("nothing of it is folded");
            Folded folded = Folded.drained(catalog, folder);
            assertThat(folded.rows).isEmpty();
            assertThat(folded.tombstones).isEmpty();
        }
    }

    private Folded whole(List<ChangeEvent> log, long until) {
        return Folded.of(log, until, BIG, dir);
    }

    /** Base at {@code cut} (through files and the manifest codec), then the whole log again up to {@code until}: overlap must be harmless. */
    private Folded viaBase(List<ChangeEvent> log, long cut, long until, long budget) throws IOException {
        Path out = Files.createTempDirectory(dir, "base");
        BaseBuilder.Built built = build(log, cut, budget, out, new BaseCut(cut, cut * 100));
        BaseManifest manifest = BaseManifestCodec.decode(BaseManifestCodec.encode(
                new BaseManifest(TENANT, new BaseCut(cut, cut * 100), Optional.empty(), built.tables(), List.of())));
        ShapeCatalog catalog = new ShapeCatalog();
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(budget, dir, 4))) {
            for (BaseTable t : manifest.tables()) {
                BaseLoader.load(t, built.files().get(t.table()), t.table(), catalog, folder);
            }
            EventConverter converter = new EventConverter(catalog, until);
            for (ChangeEvent e : log) {
                converter.convert(e, folder::accept);
            }
            return Folded.drained(catalog, folder);
        }
    }

    /**
     * The log after half the cut up to {@code until} folded first (segments straddling the cut overlap the
     * base: harmless), then the base streamed past it, then the fold drained.
     */
    private Folded viaStreamedBase(List<ChangeEvent> log, long cut, long until, long budget) throws IOException {
        return viaStreamedBase(log, cut, until, budget, budget);
    }

    /** @param baseBudget the base maker's fold's (past it, a base in hash order); @param budget the restore's */
    private Folded viaStreamedBase(List<ChangeEvent> log, long cut, long until, long baseBudget, long budget) throws IOException {
        Path out = Files.createTempDirectory(dir, "base");
        BaseBuilder.Built built = build(log, cut, baseBudget, out, new BaseCut(cut, cut * 100));
        ShapeCatalog catalog = new ShapeCatalog();
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(budget, dir, 4))) {
            for (BaseTable t : built.tables()) {
                BaseLoader.noteFinalShape(t, catalog, folder);
            }
            EventConverter converter = new EventConverter(catalog, until);
            for (ChangeEvent e : log) {
                if (e.getCommitTsMicros() > cut / 2) {
                    converter.convert(e, folder::accept);
                }
            }
            return Folded.drained(catalog, folder, drain -> built.tables().forEach(t ->
                    BaseLoader.stream(t, built.files().get(t.table()), t.table(), catalog, folder, drain)));
        }
    }

    private BaseBuilder.Built build(List<ChangeEvent> log, long cut, long budget, Path out, BaseCut baseCut) {
        return build(log, cut, budget, out, baseCut, dir);
    }

    /** A base of the log up to {@code cut}, made as the sink makes one (its fold spilling to {@code spill} past the budget). */
    static BaseBuilder.Built build(List<ChangeEvent> log, long cut, long budget, Path out, BaseCut baseCut, Path spill) {
        ShapeCatalog catalog = new ShapeCatalog();
        EventConverter converter = new EventConverter(catalog, cut);
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(budget, spill, 4))) {
            for (ChangeEvent e : log) {
                converter.convert(e, folder::accept);
            }
            return BaseBuilder.write(TENANT, baseCut, catalog, folder, out);
        }
    }

    private static void same(Folded actual, Folded expected) {
        assertThat(actual.rows).isEqualTo(expected.rows);
        assertThat(actual.tombstones).isEqualTo(expected.tombstones);
        assertThat(actual.shapes).isEqualTo(expected.shapes);
        assertThat(actual.tables).isEqualTo(expected.tables);
    }

    /** Inserts, updates, deletes, a TRUNCATE and an ADD COLUMN over two tables, one commit per transaction of 1-3 events. */
    private static List<ChangeEvent> history(Random random, int transactions) {
        List<ChangeEvent> log = new ArrayList<>();
        long lsn = 1000;
        for (int tx = 1; tx <= transactions; tx++) {
            int events = 1 + random.nextInt(3);
            for (int order = 1; order <= events; order++) {
                lsn += 10;
                String table = random.nextBoolean() ? ORDERS : NOTES;
                long id = random.nextInt(40);
                int pick = random.nextInt(10);
                boolean widened = tx > transactions / 2;
                ChangeEvent e;
                if (tx == transactions / 3 && order == 1) {
                    e = truncate("acme", table, tx, lsn);
                } else if (pick < 2) {
                    e = delete("acme", table, tx, lsn, id);
                } else if (widened && table.equals(NOTES)) {
                    e = event("acme", table, Op.UPDATE, tx, lsn, order, key(id), null,
                            List.of(col("id", "bigint", id), col("name", "text", "n" + tx), col("size", "double precision", tx / 3.0)));
                } else {
                    e = pick < 6 ? insert("acme", table, tx, lsn, id, "v" + tx) : update("acme", table, tx, lsn, id, "u" + tx);
                }
                e.setTxOrder((long) order);
                e.setEventId(lsn + ":" + order);
                log.add(e);
            }
        }
        return log;
    }
}
