package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.avro.Unsent;
import dev.strata.schemas.base.BaseBuilder;
import dev.strata.schemas.base.BaseLoader;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.schemas.fold.RowDecoder;
import dev.strata.schemas.fold.SegmentFold;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.TableShape;
import dev.strata.schemas.fold.drain.FoldDrain;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.segment.Segment;
import dev.strata.schemas.segment.SegmentWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A table with a 100 kB text and a large jsonb column under REPLICA IDENTITY DEFAULT: updates of
 * other columns reach Kafka with those values marked {@link Unsent#UNCHANGED}, nothing is parked,
 * and the fold restore and the sink's bases use rebuilds the source's {@code row::text} at each
 * point, from the log alone and from a base.
 */
@ExtendWith(LocalStackExtension.class)
class UnchangedToastIT {
    private static final String DB = "toast_it";
    private static final String NAME = "toast";
    /** 100 000 characters of md5 hex: pglz cannot shrink it below the TOAST threshold, so it is stored out of line. */
    private static final String BIG_TEXT = "(SELECT string_agg(md5(random()::text || g), '') FROM generate_series(1, 3125) g)";
    private static final String BIG_JSON = "jsonb_build_object('n', %d, 'blob', (SELECT string_agg(md5(random()::text || g), '')"
            + " FROM generate_series(1, 200) g))";
    private static final String SOURCE_MD5 = "SELECT md5(string_agg(d::text, '|' ORDER BY id)) FROM docs d";

    @Test
    void updatesThatLeaveToastedValuesUnchangedAreCapturedAndRestoreExactly(LocalKafka kafka, LocalPostgres pg) throws Exception {
        pg.createDatabase(DB);
        CaptureTestSetup.execute(pg, DB,
                "CREATE TABLE docs (id int, tenant_id text NOT NULL, title text, n int, body text, doc jsonb, PRIMARY KEY (tenant_id, id))",
                "CREATE TABLE docs_mirror (LIKE docs)",
                insert(1), insert(2), insert(3));
        var config = CaptureTestSetup.config(CaptureTestSetup.properties(kafka, pg, DB, NAME, "public.docs"));
        List<long[]> points = new ArrayList<>(); // {event count, commit time}
        List<String> sourceAt = new ArrayList<>();
        List<ChangeEvent> events;
        try (CaptureService capture = CaptureService.start(config, Clock.systemUTC());
             TopicReader reader = new TopicReader(kafka, NAME)) {
            reader.awaitUntil(r -> r.events().size() >= 3, Duration.ofSeconds(60), "the snapshot of docs");
            List<Phase> phases = List.of(
                    new Phase(3, "UPDATE docs SET title = 'one', n = n + 1"),
                    new Phase(2, "UPDATE docs SET body = " + BIG_TEXT + " WHERE id = 2", "UPDATE docs SET title = 'two' WHERE id = 2"),
                    new Phase(5, insert(4), "UPDATE docs SET n = n + 10"),
                    new Phase(3, "UPDATE docs SET doc = doc || '{\"x\": 1}' WHERE id = 3", "UPDATE docs SET title = NULL WHERE id IN (1, 4)"));
            int expected = 3;
            for (Phase phase : phases) {
                CaptureTestSetup.execute(pg, DB, phase.statements());
                expected += phase.events();
                int count = expected;
                reader.awaitUntil(r -> r.events().size() >= count, Duration.ofSeconds(60), count + " events of docs");
                long commit = reader.events().stream().mapToLong(ChangeEvent::getCommitTsMicros).max().orElseThrow();
                points.add(new long[] {count, commit});
                sourceAt.add(text(pg, SOURCE_MD5));
            }
            events = List.copyOf(reader.drain().events());
            assertThat(reader.parked()).isEmpty();
        }
        CaptureTestSetup.dropSlot(pg, DB, NAME + "_slot");
        assertThat(events).hasSize((int) points.get(points.size() - 1)[0]);
        assertThat(sourceAt).doesNotHaveDuplicates().doesNotContainNull();

        // the first phase touched neither big column: Postgres sent neither, capture marked both
        List<ChangeEvent> firstUpdates = events.subList(3, 6);
        assertThat(firstUpdates).allSatisfy(e -> {
            assertThat(e.getOp()).isEqualTo(Op.UPDATE);
            assertThat(value(e, "body")).isEqualTo(Unsent.UNCHANGED);
            assertThat(value(e, "doc")).isEqualTo(Unsent.UNCHANGED);
            assertThat(value(e, "title")).isEqualTo("one");
        });
        // the rewritten body was sent in full with the unchanged doc marked
        ChangeEvent rewrite = events.get(6);
        assertThat(value(rewrite, "body")).isInstanceOf(String.class).asString().hasSize(100_000);
        assertThat(value(rewrite, "doc")).isEqualTo(Unsent.UNCHANGED);

        Path work = Files.createTempDirectory(LocalStackExtension.workDir(), "toast-fold");
        for (int i = 0; i < points.size(); i++) {
            long until = points.get(i)[1];
            assertThat(restored(pg, events, until, null, work)).as("from the log, point %d", i + 1).isEqualTo(sourceAt.get(i));
            if (i > 0) {
                long cut = points.get(i - 1)[1];
                assertThat(restored(pg, events, until, cut, work)).as("from a base at point %d, point %d", i, i + 1)
                        .isEqualTo(sourceAt.get(i));
            }
        }
    }

    /** Statements run one after another, each its own transaction, and how many changes they make. */
    private record Phase(int events, String... statements) {
    }

    private static String insert(int id) {
        return "INSERT INTO docs VALUES (" + id + ", 'acme', 'title " + id + "', " + id + ", " + BIG_TEXT + ", "
                + BIG_JSON.formatted(id) + ")";
    }

    private static Object value(ChangeEvent event, String column) {
        return event.getAfter().stream().filter(c -> c.getName().equals(column)).findFirst().orElseThrow().getValue();
    }

    /**
     * The events up to {@code until} folded as restore and the sink's bases fold them (segments,
     * optionally a base of everything up to {@code baseCut}), loaded into the mirror table: its md5.
     */
    private static String restored(LocalPostgres pg, List<ChangeEvent> events, long until, Long baseCut, Path work)
            throws Exception {
        ShapeCatalog catalog = new ShapeCatalog();
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(Long.MAX_VALUE, work, 4))) {
            List<ChangeEvent> log = events;
            if (baseCut != null) {
                ShapeCatalog baseCatalog = new ShapeCatalog();
                BaseBuilder.Built base;
                try (ChangeFolder baseFolder = new ChangeFolder(baseCatalog, new FoldMemory(Long.MAX_VALUE, work, 4))) {
                    fold(events, baseCut, baseCatalog, baseFolder);
                    base = BaseBuilder.write(TenantId.of("acme"), new BaseCut(baseCut, 0), baseCatalog, baseFolder,
                            Files.createTempDirectory(work, "base"));
                }
                for (BaseTable table : base.tables()) {
                    BaseLoader.load(table, base.files().get(table.table()), table.table(), catalog, folder);
                }
                log = events.stream().filter(e -> e.getCommitTsMicros() > baseCut).toList();
            }
            fold(log, until, catalog, folder);
            int shape = folder.finalShape(catalog.tableId("public.docs"));
            TableShape columns = catalog.shape(shape);
            RowDecoder decoder = new RowDecoder(catalog);
            List<String> inserts = new ArrayList<>();
            folder.drain(new FoldDrain() {
                @Override
                public void upsert(int tableId, byte[] key, byte[] version) {
                    Object[] row = decoder.row(key, version, shape);
                    StringJoiner values = new StringJoiner(", ");
                    for (int c = 0; c < row.length; c++) {
                        values.add(PgLiteral.of(new Column(columns.columns().get(c), columns.pgTypes().get(c), row[c])));
                    }
                    inserts.add("INSERT INTO docs_mirror (" + String.join(", ", columns.columns()) + ") VALUES (" + values + ")");
                }

                @Override
                public void tombstone(int tableId, byte[] key, byte[] version) {
                    // no deletes in this history
                }
            });
            assertThat(decoder.unresolved().rows()).as("rows without a previous version").isZero();
            inserts.add(0, "TRUNCATE docs_mirror");
            CaptureTestSetup.execute(pg, DB, inserts.toArray(String[]::new));
        }
        return text(pg, SOURCE_MD5.replace("docs d", "docs_mirror d"));
    }

    /** Through a segment and the fold's segment reader, as a replay and a base read the log. */
    private static void fold(List<ChangeEvent> events, long until, ShapeCatalog catalog, ChangeFolder folder) {
        if (events.isEmpty()) {
            return;
        }
        Segment segment = SegmentWriter.encode(events);
        List<dev.strata.schemas.fold.FoldOp> ops = new ArrayList<>();
        new SegmentFold(TenantId.of("acme"), catalog, until).read(segment.bytes(), "captured", ops::add);
        folder.acceptAll(ops);
    }

    private static String text(LocalPostgres pg, String query) throws SQLException {
        try (Connection connection = CaptureTestSetup.connect(pg, DB); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getString(1);
        }
    }
}
