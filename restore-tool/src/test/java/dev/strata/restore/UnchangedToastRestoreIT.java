package dev.strata.restore;

import static dev.strata.restore.testing.SourceTable.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.testing.CaptureSimulator;
import dev.strata.restore.testing.Databases;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.restore.testing.SourceTable;
import dev.strata.restore.testing.SourceTable.Form;
import dev.strata.restore.testing.ToolRun;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Unsent;
import dev.strata.schemas.store.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A table with a 100 kB text and a large jsonb column under REPLICA IDENTITY DEFAULT: updates of
 * other columns leave both out (marked as capture marks them), the sink stores segments and a base
 * in both Ceph regions, and {@code replay} at each point rebuilds the source's {@code row::text},
 * before the base and from it. A row whose history began with such an update is restored with
 * NULL and named in the summary.
 */
@ExtendWith(LocalStackExtension.class)
class UnchangedToastRestoreIT {
    private static final long START = RestoreTime.parse("2026-11-21T09:30:00Z");
    private static final long STEP = 3 * 60_000_000L;
    private static final SourceTable DOCS = new SourceTable("public.docs", List.of(
            col("tenant_id", "text", Form.TEXT), col("id", "integer", Form.LONG), col("title", "text", Form.TEXT),
            col("n", "integer", Form.LONG), col("body", "text", Form.TEXT), col("doc", "jsonb", Form.TEXT, "$c::text")),
            List.of("tenant_id", "id"), "tenant_id");
    private static final SourceTable LATE = new SourceTable("public.late", List.of(
            col("tenant_id", "text", Form.TEXT), col("id", "integer", Form.LONG), col("note", "text", Form.TEXT),
            col("body", "text", Form.TEXT)), List.of("tenant_id", "id"), "tenant_id");
    /** 100 000 characters of md5 hex: pglz cannot shrink it below the TOAST threshold, so it is stored out of line. */
    private static final String BIG_TEXT = "(SELECT string_agg(md5(random()::text || g), '') FROM generate_series(1, 3125) g)";
    private static final String BIG_JSON = "jsonb_build_object('n', %d, 'blob', (SELECT string_agg(md5(random()::text || g), '')"
            + " FROM generate_series(1, 200) g))";
    private static final String DOCS_MD5 = "SELECT md5(string_agg(d::text, '|' ORDER BY id)) FROM public.docs d";

    @Test
    void everyPointRestoresTheSourceRowsAndAValueWithoutHistoryIsNamed(LocalPostgres pg, LocalObjectStores stores) throws Exception {
        pg.createDatabase("toast_source");
        List<Long> points = new ArrayList<>();
        List<String> sourceAt = new ArrayList<>();
        List<ChangeEvent> events;
        try (Connection source = Databases.connect(pg, "toast_source"); Connection sums = Databases.connect(pg, "toast_source")) {
            try (Statement s = sums.createStatement()) {
                s.execute("CREATE TABLE public.docs (tenant_id text, id int, title text, n int, body text, doc jsonb,"
                        + " PRIMARY KEY (tenant_id, id))");
                s.execute("CREATE TABLE public.late (tenant_id text, id int, note text, body text, PRIMARY KEY (tenant_id, id))");
                // written before the backup began: no change of it is in the log
                s.execute("INSERT INTO public.late VALUES ('acme', 1, 'old', " + BIG_TEXT + ")");
            }
            CaptureSimulator capture = new CaptureSimulator(source);
            long at = START;
            CaptureSimulator.Tx tx = capture.begin(at += STEP);
            for (int id = 1; id <= 3; id++) {
                tx.insert(DOCS, insert(id), "acme", id);
            }
            tx.commit();
            point(points, sourceAt, at, sums);
            tx = capture.begin(at += STEP);
            for (int id = 1; id <= 3; id++) {
                tx.updateUnderDefaultIdentity(DOCS, "title = 'one', n = n + 1", "acme", id);
            }
            tx.commit();
            point(points, sourceAt, at, sums);
            capture.begin(at += STEP).updateUnderDefaultIdentity(DOCS, "body = " + BIG_TEXT, "acme", 2).commit();
            capture.begin(at += STEP).updateUnderDefaultIdentity(DOCS, "title = 'two'", "acme", 2).commit();
            point(points, sourceAt, at, sums);
            tx = capture.begin(at += STEP).insert(DOCS, insert(4), "acme", 4);
            for (int id = 1; id <= 4; id++) {
                tx.updateUnderDefaultIdentity(DOCS, "n = n + 10", "acme", id);
            }
            tx.commit();
            point(points, sourceAt, at, sums);
            capture.begin(at += STEP).updateUnderDefaultIdentity(DOCS, "doc = doc || '{\"x\": 1}'", "acme", 3).commit();
            capture.begin(at += STEP).updateUnderDefaultIdentity(DOCS, "title = NULL", "acme", 1)
                    .updateUnderDefaultIdentity(DOCS, "title = NULL", "acme", 4)
                    .updateUnderDefaultIdentity(LATE, "note = 'new'", "acme", 1).commit();
            point(points, sourceAt, at, sums);
            events = capture.events();
        }
        // what Postgres leaves out is what the test is about: make sure it happened
        assertThat(events.stream().filter(e -> e.getAfter() != null).flatMap(e -> e.getAfter().stream())
                .filter(c -> c.getValue() == Unsent.UNCHANGED).map(Column::getName).distinct()).containsExactlyInAnyOrder("body", "doc");
        assertThat(sourceAt).doesNotHaveDuplicates();

        stores.primary().createLockedBucket("toast-primary");
        stores.backup().createLockedBucket("toast-backup");
        try (ObjectStore primary = LocalStores.writer(stores.primary(), "toast-primary");
             ObjectStore backup = LocalStores.writer(stores.backup(), "toast-backup");
             SinkBackup sink = new SinkBackup(primary, backup, Files.createTempDirectory(LocalStackExtension.workDir(), "toast-sink"))) {
            sink.write(events, SinkBackup.flushEvery(Duration.ofMinutes(2)));
            sink.seal(Optional.of(UtcHour.containing(points.get(points.size() - 1))));
            // a base cut at the third point: the later points fold from it, and the values they lack are in it
            sink.base(TenantId.of("acme"), points.get(2) + 1);
        }
        Properties props = LocalStores.regime("eu", stores.primary(), "toast-primary", stores.backup(), "toast-backup");
        props.setProperty(ToolConfig.REGIMES, "eu");
        Path config = LocalStores.write(props, LocalStackExtension.workDir());

        for (int i = 0; i < points.size(); i++) {
            ToolRun plan = ToolRun.run(config, "replay", "--tenant", "acme", "--until", RestoreTime.format(points.get(i)), "--dry-run");
            assertThat(plan.out()).as("plan at point %d", i + 1).contains(i >= 2 ? "base: " + RestoreTime.format(points.get(2)) : "base: none");
            String db = "toast_at_" + (i + 1);
            pg.createDatabase(db);
            ToolRun r = ToolRun.run(config, "replay", "--tenant", "acme", "--until", RestoreTime.format(points.get(i)),
                    "--to", pg.jdbcUrl(db), "--progress", "none");
            assertThat(r.code()).as(r.err()).isZero();
            try (Connection restored = Databases.connect(pg, db)) {
                assertThat(Databases.text(restored, DOCS_MD5)).as("public.docs at point %d", i + 1).isEqualTo(sourceAt.get(i));
            }
            if (i == points.size() - 1) {
                assertThat(r.out()).contains("note: 1 row(s) were restored with NULL in a column whose value Postgres did not send")
                        .contains("public.late key [acme, 1] column(s) body");
                try (Connection restored = Databases.connect(pg, db)) {
                    assertThat(Databases.text(restored, "SELECT note || ':' || coalesce(body, 'NULL') FROM public.late"))
                            .isEqualTo("new:NULL");
                }
            } else {
                assertThat(r.out()).doesNotContain("restored with NULL");
            }
        }
    }

    private static String insert(int id) {
        return "INSERT INTO public.docs VALUES ('acme', " + id + ", 'title " + id + "', " + id + ", " + BIG_TEXT + ", "
                + BIG_JSON.formatted(id) + ")";
    }

    private static void point(List<Long> points, List<String> sourceAt, long commitTs, Connection sums) throws SQLException {
        points.add(commitTs);
        sourceAt.add(Databases.text(sums, DOCS_MD5));
    }
}
