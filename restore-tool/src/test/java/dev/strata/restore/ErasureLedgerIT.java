package dev.strata.restore;

import static dev.strata.restore.testing.SourceTable.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalRegion;
import dev.strata.local.LocalStackExtension;
import dev.strata.local.StoreRole;
import dev.strata.restore.drill.DrillReport;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.target.LuceneTarget;
import dev.strata.restore.testing.CaptureSimulator;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.restore.testing.SourceTable;
import dev.strata.restore.testing.SourceTable.Form;
import dev.strata.restore.testing.ToolRun;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Checkpoint;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.avro.TableCheckpoint;
import dev.strata.schemas.checkpoint.RowChecksum;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.LedgerEntryKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.failure.StoreAccessDeniedException;
import dev.strata.schemas.store.s3.S3ObjectStore;
import dev.strata.sink.segment.RotationPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The erasure ledger on real servers: a source Postgres, its changes backed up by the sink's classes
 * into both Ceph regions, entries written by {@code erasures add} with the LEDGER user's keys, then
 * restores to points before the requests into Postgres, Lucene and NDJSON, and {@code history}.
 * Person "bob" (acme, id 2) moves to key id 20 by an UPDATE after the first point; the request names
 * his key at the time of the request, 20. Person "dora" (id 4) keeps her row with her email nulled.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErasureLedgerIT {
    private static final SourceTable PEOPLE = new SourceTable("public.people", List.of(col("tenant_id", "text", Form.TEXT),
            col("id", "bigint", Form.LONG), col("email", "text", Form.TEXT), col("name", "text", Form.TEXT)),
            List.of("tenant_id", "id"), "tenant_id");
    private static final SourceTable ORDERS = new SourceTable("public.orders", List.of(col("tenant_id", "text", Form.TEXT),
            col("id", "bigint", Form.LONG), col("person", "bigint", Form.LONG)), List.of("tenant_id", "id"), "tenant_id");
    private static final long T0 = RestoreTime.parse("2026-11-21T09:30:00Z");
    private static final String PRIMARY = "ledger-primary";
    private static final String BACKUP = "ledger-backup";

    private LocalPostgres postgres;
    private LocalObjectStores stores;
    private Path config;
    private Path readerOnlyConfig;
    /** Per restore point, acme's rows in the source (id -> row text) as they were then. */
    private final TreeMap<Long, Map<Long, String>> sourceAt = new TreeMap<>();

    @BeforeAll
    void backUpThenRequestTwoErasures(LocalPostgres pg, LocalObjectStores objectStores) throws Exception {
        postgres = pg;
        stores = objectStores;
        pg.createDatabase("ledger_source");
        CaptureSimulator capture;
        try (Connection source = connect("ledger_source"); Connection read = connect("ledger_source")) {
            try (Statement s = source.createStatement()) {
                s.execute("CREATE TABLE public.people (tenant_id text NOT NULL, id bigint NOT NULL, email text, name text,"
                        + " PRIMARY KEY (tenant_id, id))");
                s.execute("CREATE TABLE public.orders (tenant_id text NOT NULL, id bigint NOT NULL, person bigint, PRIMARY KEY (tenant_id, id))");
            }
            capture = new CaptureSimulator(source);
            CaptureSimulator.Tx first = capture.begin(T0);
            String[] names = {"ann", "bob", "cem", "dora", "eve"};
            for (int i = 0; i < names.length; i++) {
                first.insert(PEOPLE, "INSERT INTO public.people VALUES ('acme', " + (i + 1) + ", '" + names[i] + "@example.com', '"
                        + names[i] + "')", "acme", (long) (i + 1));
            }
            first.insert(PEOPLE, "INSERT INTO public.people VALUES ('other', 2, 'bob@other.example', 'bob')", "other", 2L)
                    .insert(PEOPLE, "INSERT INTO public.people VALUES ('zeta', 1, 'zed@zeta.example', 'zed')", "zeta", 1L).commit();
            capture.begin(T0 + 10_000_000).update(PEOPLE, "name = 'cem 2'", "acme", 3L).commit();
            sourceAt.put(T0 + 10_000_000, rows(read));
            capture.begin(T0 + 20_000_000).changeKey(PEOPLE, "id = 20", new Object[] {"acme", 2L}, new Object[] {"acme", 20L}).commit();
            capture.begin(T0 + 30_000_000).update(PEOPLE, "name = 'bob 2'", "acme", 20L)
                    .insert(PEOPLE, "INSERT INTO public.people VALUES ('acme', 6, 'fay@example.com', 'fay')", "acme", 6L)
                    .insert(ORDERS, "INSERT INTO public.orders VALUES ('acme', 1, 20)", "acme", 1L).commit();
            sourceAt.put(T0 + 30_000_000, rows(read));
            checkpoint(capture, read, T0 + 40_000_000);
            capture.begin(T0 + 50_000_000).insert(ORDERS, "INSERT INTO public.orders VALUES ('acme', 2, 6)", "acme", 2L).commit();
        }
        stores.primary().createLockedBucket(PRIMARY);
        stores.backup().createLockedBucket(BACKUP);
        try (ObjectStore primary = LocalStores.writer(stores.primary(), PRIMARY);
             ObjectStore backup = LocalStores.writer(stores.backup(), BACKUP);
             SinkBackup sink = new SinkBackup(primary, backup, Files.createTempDirectory(LocalStackExtension.workDir(), "ledger-sink"))) {
            RotationPolicy rotation = SinkBackup.flushEvery(Duration.ofSeconds(5)); // one segment per transaction
            sink.write(capture.events(), rotation);
            sink.seal(Optional.of(UtcHour.containing(T0)));
        }
        Properties props = LocalStores.regime("eu", stores.primary(), PRIMARY, stores.backup(), BACKUP);
        props.setProperty(ToolConfig.REGIMES, "eu");
        readerOnlyConfig = LocalStores.write(props, LocalStackExtension.workDir());
        for (String side : List.of("primary", "backup")) {
            LocalRegion region = side.equals("primary") ? stores.primary() : stores.backup();
            props.setProperty("strata.regime.eu." + side + "." + ToolConfig.LEDGER_CREDENTIALS_FILE,
                    region.credentialsFile(StoreRole.LEDGER).toString());
            props.setProperty("strata.regime.eu." + side + "." + ToolConfig.DRILL_CREDENTIALS_FILE,
                    region.credentialsFile(StoreRole.DRILL).toString());
        }
        props.setProperty(ToolConfig.DRILL_POSTGRES_URL, postgres.jdbcUrl("postgres"));
        props.setProperty(ToolConfig.DRILL_POSTGRES_USER, postgres.user());
        config = LocalStores.write(props, LocalStackExtension.workDir());
        ToolRun bob = ToolRun.run(config, "erasures", "add", "--tenant", "acme", "--table", "public.people", "--key", "id=20",
                "--reason", "GDPR art. 17, ticket 4711", "--by", "dpo@acme");
        assertThat(bob.code()).as(bob.err()).isZero();
        assertThat(bob.out()).contains("written to both regions of regime eu").contains("row left out")
                .contains("also under the key(s) it had: tenant_id=acme,id=2");
        ToolRun dora = ToolRun.run(config, "erasures", "add", "--tenant", "acme", "--table", "public.people", "--key", "tenant_id=acme,id=4",
                "--null", "email", "--reason", "asked to drop her email");
        assertThat(dora.code()).as(dora.err()).isZero();
    }

    @Test
    void replaysToPointsBeforeTheRequestsHoldNoErasedRowIntoPostgres() throws SQLException {
        for (long point : sourceAt.keySet()) {
            String db = "ledger_pg_" + (point - T0) / 1_000_000;
            postgres.createDatabase(db);
            ToolRun r = ToolRun.run(config, "replay", "--tenant", "acme", "--until", RestoreTime.format(point), "--to", postgres.jdbcUrl(db));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("erasure ledger: 2 entries applied; 1 row(s) left out, 1 row(s) with columns nulled");
            try (Connection c = connect(db)) {
                assertThat(rows(c)).as("acme at %s", RestoreTime.format(point)).isEqualTo(expected(sourceAt.get(point)));
            }
        }
    }

    @Test
    void luceneAndNdjsonHoldNoErasedRowEither() throws Exception {
        long beforeTheMove = T0 + 10_000_000;
        Path index = Files.createTempDirectory(LocalStackExtension.workDir(), "ledger-lucene").resolve("acme");
        ToolRun lucene = ToolRun.run(config, "replay", "--tenant", "acme", "--until", RestoreTime.format(beforeTheMove), "--target", "lucene",
                "--to", index.toString());
        assertThat(lucene.code()).as(lucene.err()).isZero();
        Map<Long, String> indexed = new TreeMap<>();
        try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(index))) {
            StoredFields fields = reader.storedFields();
            for (int i = 0; i < reader.maxDoc(); i++) {
                Document doc = fields.document(i);
                indexed.put(Long.parseLong(doc.get("id")), doc.get("email") + "|" + doc.get("name"));
            }
        }
        Map<Long, String> expected = new TreeMap<>();
        expected(sourceAt.get(beforeTheMove)).forEach((id, row) -> expected.put(id, row.split("\\|", 2)[1]));
        assertThat(indexed).isEqualTo(expected);

        Path ndjson = LocalStackExtension.workDir().resolve("ledger-" + System.nanoTime() + ".ndjson");
        ToolRun file = ToolRun.run(config, "replay", "--tenant", "acme", "--until", RestoreTime.format(beforeTheMove), "--target", "ndjson",
                "--to", ndjson.toString());
        assertThat(file.code()).as(file.err()).isZero();
        String lines = Files.readString(ndjson, StandardCharsets.UTF_8);
        assertThat(lines.lines()).hasSize(4).noneMatch(l -> l.contains("bob")).anyMatch(l -> l.contains("\"id\":4") && l.contains("\"email\":null"));
        assertThat(lines).contains("ann@example.com").contains("eve@example.com").doesNotContain("dora@example.com");
    }

    @Test
    void historyListAndPointsApplyAndShowTheLedger() {
        ToolRun history = ToolRun.run(config, "history", "--tenant", "acme", "--table", "public.people", "--key", "id=2");
        assertThat(history.code()).as(history.err()).isZero();
        assertThat(history.out()).contains("0 version(s)").doesNotContain("bob");
        ToolRun dora = ToolRun.run(config, "history", "--tenant", "acme", "--table", "public.people", "--key", "id=4");
        assertThat(dora.out()).contains("1 version(s)").contains("email=NULL").doesNotContain("dora@example.com");
        ToolRun list = ToolRun.run(config, "erasures", "list", "--tenant", "acme");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("2 entries").contains("public.people id=20  row left out").contains("by dpo@acme: GDPR art. 17")
                .contains("also under the key it had: tenant_id=acme,id=2").contains("columns nulled: email");
        ToolRun json = ToolRun.run(config, "erasures", "list", "--tenant", "acme", "--json");
        assertThat(json.out().lines()).hasSize(2).allMatch(l -> l.startsWith("{\"version\":1,\"tenant\":\"acme\""));
        ToolRun points = ToolRun.run(config, "list", "points", "--tenant", "acme");
        assertThat(points.out()).contains("erasure ledger:      2 entries, applied by every restore");
        ToolRun other = ToolRun.run(config, "replay", "--tenant", "other", "--until", "latest", "--target", "ndjson");
        assertThat(other.out()).contains("bob@other.example"); // the rows on stdout, the summary on stderr
        assertThat(other.err()).contains("erasure ledger: 0 entries applied");
    }

    @Test
    void onlyTheLedgerKeyWritesAnEntry() {
        ObjectKey key = BackupLayout.format(new LedgerEntryKey(TenantId.of("acme"), T0, 7));
        byte[] bytes = "{}".getBytes(StandardCharsets.UTF_8);
        for (StoreRole role : List.of(StoreRole.READER, StoreRole.WRITER)) {
            try (ObjectStore store = open(stores.primary(), PRIMARY, role)) {
                assertThatThrownBy(() -> store.putIfAbsent(key, bytes, Sha256.of(bytes))).as(role.name())
                        .isInstanceOf(StoreAccessDeniedException.class);
            }
        }
        ToolRun readerOnly = ToolRun.run(readerOnlyConfig, "erasures", "add", "--tenant", "acme", "--table", "public.people",
                "--key", "id=5", "--reason", "r");
        assertThat(readerOnly.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(readerOnly.err()).contains("strata.regime.eu.primary.ledger.credentials.file is missing");
    }

    @Test
    void anEntryInOneRegionOnlyRefusesEveryRestoreUntilCompleted() {
        // tenant 'zeta': a partial write (the backup region never got it) must not be restored around
        ObjectKey key = BackupLayout.format(new LedgerEntryKey(TenantId.of("zeta"), T0, 0));
        byte[] entry = ("{\"version\":1,\"tenant\":\"zeta\",\"table\":\"public.people\",\"key\":{\"id\":\"1\"},\"aliases\":[],"
                + "\"nullColumns\":[],\"reason\":\"r\",\"requestedBy\":\"x\",\"requestedAt\":\"2026-11-21T09:30:00Z\"}")
                .getBytes(StandardCharsets.UTF_8);
        try (ObjectStore ledger = open(stores.primary(), PRIMARY, StoreRole.LEDGER)) {
            ledger.putIfAbsent(key, entry, Sha256.of(entry));
        }
        ToolRun refused = ToolRun.run(config, "replay", "--tenant", "zeta", "--until", "latest", "--target", "ndjson");
        assertThat(refused.code()).as(refused.out()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(refused.err()).contains("cannot read the erasure ledger of tenant zeta").contains(key.value())
                .contains("the backup region does not hold it");
        assertThat(refused.out()).doesNotContain("zed@zeta");
        ToolRun points = ToolRun.run(config, "list", "points", "--tenant", "zeta");
        assertThat(points.out()).contains("erasure ledger:      UNREADABLE, every restore refuses until it is fixed");
        ToolRun verify = ToolRun.run(config, "verify", "--tenant", "zeta");
        assertThat(verify.code()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(verify.err()).contains("the backup region does not hold it").contains("erasures complete --tenant zeta");
        ToolRun complete = ToolRun.run(config, "erasures", "complete", "--tenant", "zeta");
        assertThat(complete.out()).as(complete.err()).contains("copied 1 ledger entry to the region that lacked it: [" + key + "]");
        ToolRun restored = ToolRun.run(config, "replay", "--tenant", "zeta", "--until", "latest", "--target", "ndjson");
        assertThat(restored.code()).as(restored.err()).isZero();
        assertThat(restored.out()).doesNotContain("zed@zeta");
        assertThat(restored.err()).contains("erasure ledger: 1 entry applied; 1 row(s) left out");
        assertThat(ToolRun.run(config, "verify", "--tenant", "zeta").out()).contains("erasure ledger: 1 entry in both regions, checksums match");
    }

    @Test
    void badInputNamesTheFix() {
        ToolRun table = ToolRun.run(config, "erasures", "add", "--tenant", "acme", "--table", "public.persons", "--key", "id=1", "--reason", "r");
        assertThat(table.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(table.err()).contains("tenant acme has no table public.persons in its log; its tables: [public.orders, public.people]");
        ToolRun column = ToolRun.run(config, "erasures", "add", "--tenant", "acme", "--table", "public.people", "--key", "email=a@b",
                "--reason", "r");
        assertThat(column.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(column.err()).contains("--key names [email] but the key of public.people is [tenant_id, id]: give key columns only");
        ToolRun reason = ToolRun.run(config, "erasures", "add", "--tenant", "acme", "--table", "public.people", "--key", "id=1",
                "--reason", " ");
        assertThat(reason.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(reason.err()).contains("--reason is empty");
        ToolRun nulled = ToolRun.run(config, "erasures", "add", "--tenant", "acme", "--table", "public.people", "--key", "id=1",
                "--null", "id", "--reason", "r");
        assertThat(nulled.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(nulled.err()).contains("--null id is a key column");
    }

    @Test
    void aDrillComparesEveryTableTheLedgerLeftAloneAndNamesTheOthers() {
        // the checkpoint still counts bob and dora's email (the application did not erase them at the source)
        ToolRun drill = ToolRun.run(config, "drill", "--tenant", "acme");
        assertThat(drill.code()).as(drill.out() + drill.err()).isZero();
        assertThat(drill.out()).contains("drill acme (regime eu): PASS");
        try (ObjectStore reader = open(stores.primary(), PRIMARY, StoreRole.READER)) {
            List<ListedObject> reports = reader.listAll(BackupLayout.drillsPrefix(TenantId.of("acme")), Optional.empty()).toList();
            DrillReport report = DrillReport.parse(reader.get(reports.get(reports.size() - 1).key()).orElseThrow().bytes()).orElseThrow();
            assertThat(report.tables()).extracting(DrillReport.TableComparisonJson::table).containsExactly("public.orders");
            assertThat(report.tables()).allMatch(DrillReport.TableComparisonJson::equal);
            assertThat(report.message()).isEqualTo("all 1 tables equal to the checkpoint;"
                    + " not compared, the erasure ledger left out or nulled rows the checkpoint counted: public.people");
        }
    }

    /** A CHECKPOINT event of acme as capture writes it: per table, rows and checksum in one snapshot that sees every transaction so far. */
    private static void checkpoint(CaptureSimulator capture, Connection read, long at) throws SQLException {
        List<TableCheckpoint> tables = new ArrayList<>();
        for (String table : List.of("public.people", "public.orders")) {
            try (Statement s = read.createStatement(); ResultSet rs = s.executeQuery("SELECT " + RowChecksum.AGGREGATE + " FROM " + table
                    + " " + RowChecksum.ROW_ALIAS + " WHERE tenant_id = 'acme'")) {
                rs.next();
                tables.add(new TableCheckpoint(table, rs.getLong(1), rs.getString(2)));
            }
        }
        ChangeEvent last = capture.events().get(capture.events().size() - 1);
        long next = last.getTxId() + 1;
        capture.events().add(ChangeEvent.newBuilder().setTenant("acme").setSource("source-db").setTable("strata.checkpoint")
                .setOp(Op.CHECKPOINT).setCommitTsMicros(at).setLsn(last.getLsn() + 1).setTxId(-1).setTxOrder(0)
                .setEventId("cp:" + at).setCheckpoint(new Checkpoint(next + ":" + next + ":", tables)).build());
    }

    /** The source rows at a point as the ledger leaves them: bob (2, later 20) out, dora's email null. */
    private static Map<Long, String> expected(Map<Long, String> source) {
        Map<Long, String> expected = new TreeMap<>(source);
        expected.remove(2L);
        expected.remove(20L);
        expected.computeIfPresent(4L, (id, row) -> row.replace("dora@example.com", "null"));
        return expected;
    }

    /** acme's rows, id -> tenant|email|name (NULL as "null"). */
    private static Map<Long, String> rows(Connection c) throws SQLException {
        Map<Long, String> rows = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT id, tenant_id, email, name FROM public.people WHERE tenant_id = 'acme' ORDER BY id")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
            }
        }
        return rows;
    }

    private static ObjectStore open(LocalRegion region, String bucket, StoreRole role) {
        return S3ObjectStore.open(new StoreLocation(region.endpoint(), bucket, region.signingRegion()),
                StoreCredentials.fromFile(region.credentialsFile(role)), VersionPolicy.FIRST_VERSION);
    }

    private Connection connect(String db) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(db), postgres.user(), postgres.password());
    }
}
