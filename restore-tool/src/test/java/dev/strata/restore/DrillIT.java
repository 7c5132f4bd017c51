package dev.strata.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.FreePorts;
import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalRegion;
import dev.strata.local.LocalStackExtension;
import dev.strata.local.StoreRole;
import dev.strata.restore.drill.DrillReport;
import dev.strata.restore.drill.DrillResult;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.testing.CaptureSimulator;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.restore.testing.ToolRun;
import dev.strata.restore.testing.TwoTenantWorkload;
import dev.strata.restore.testing.WatermarkTopic;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Checkpoint;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.avro.TableCheckpoint;
import dev.strata.schemas.checkpoint.RowChecksum;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.s3.S3ObjectStore;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.VersionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Drills against a backup the sink's classes wrote (segments in both Ceph regions), with a
 * checkpoint taken on the real source mid-workload: one transaction was still in progress in the
 * checkpoint's snapshot although it committed before the checkpoint's time (the drill must leave it
 * out), and the workload kept writing after it. A healthy copy passes; a copy that lost one segment
 * fails, naming the table and the difference; the durable marks in the store prove the checkpoint durable
 * (no Kafka needed); for a backup without marks, a tenant whose watermark lags is an error.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DrillIT {
    private static final long START = RestoreTime.parse("2026-11-21T09:30:00Z");

    private LocalPostgres postgres;
    private LocalObjectStores stores;
    private Path healthy;
    private Path corrupt;
    private Path based;
    private Path unmarked;
    private String bootstrapServers;

    @BeforeAll
    void backUpAWorkloadWithACheckpoint(LocalPostgres pg, LocalObjectStores objectStores, LocalKafka kafka) throws Exception {
        postgres = pg;
        stores = objectStores;
        bootstrapServers = kafka.bootstrapServers();
        pg.createDatabase("drill_source");
        List<ChangeEvent> events;
        long checkpointAt;
        try (Connection source = connect("drill_source"); Connection sums = connect("drill_source")) {
            TwoTenantWorkload.createSchema(source);
            CaptureSimulator capture = new CaptureSimulator(source);
            TwoTenantWorkload workload = new TwoTenantWorkload(7);
            Random random = new Random(3);
            long commitTs = START;
            for (int i = 1; i <= 60; i++) {
                commitTs += 1_000_000L + random.nextInt(5_000_000);
                workload.transaction(capture, commitTs);
            }
            // the checkpoint's snapshot: taken now, with the next alpha transaction in progress
            Map<String, List<TableCheckpoint>> counted = Map.of("alpha", count(sums, "alpha"), "beta", count(sums, "beta"));
            long lastVisible = capture.events().get(capture.events().size() - 1).getTxId();
            workload.transaction(capture, commitTs += 100_000, "alpha");
            long inProgress = capture.events().get(capture.events().size() - 1).getTxId();
            assertThat(inProgress).isGreaterThan(lastVisible);
            checkpointAt = commitTs + 100_000;
            String snapshot = inProgress + ":" + (inProgress + 1) + ":" + inProgress;
            long lsn = capture.events().get(capture.events().size() - 1).getLsn() + 1;
            for (String tenant : TwoTenantWorkload.TENANTS) {
                capture.events().add(ChangeEvent.newBuilder().setTenant(tenant).setSource("source-db").setTable("strata.checkpoint")
                        .setOp(Op.CHECKPOINT).setCommitTsMicros(checkpointAt).setLsn(lsn).setTxId(-1).setTxOrder(0)
                        .setEventId("cp:" + lsn + ":" + tenant).setCheckpoint(new Checkpoint(snapshot, counted.get(tenant))).build());
            }
            commitTs = checkpointAt;
            for (int i = 1; i <= 30; i++) { // the workload keeps writing
                commitTs += 1_000_000L + random.nextInt(5_000_000);
                workload.transaction(capture, commitTs);
            }
            events = capture.events();
        }
        healthy = backUp(events, "drill-ok", Integer.MAX_VALUE, false, true);
        corrupt = backUp(events, "drill-bad", 3, false, true);
        based = backUp(events, "drill-based", Integer.MAX_VALUE, true, true);
        unmarked = backUp(events, "drill-unmarked", Integer.MAX_VALUE, false, false);
        WatermarkTopic.publishDurable(kafka, "alpha", "eu", checkpointAt + 60_000_000L);
    }

    @Test
    void aHealthyBackupPassesWithEqualChecksumsAndTheReportIsStoredInBothRegions() throws Exception {
        ToolRun r = ToolRun.run(healthy, "drill", "--tenant", "alpha");

        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("drill alpha (regime eu): PASS");
        DrillReport report = newestReport("drill-ok", stores.primary());
        assertThat(report.result()).isEqualTo(DrillResult.PASS);
        assertThat(report.tables()).extracting(DrillReport.TableComparisonJson::table)
                .contains("public.accounts", "public.orders", "alpha.notes");
        assertThat(report.tables()).allMatch(DrillReport.TableComparisonJson::equal);
        assertThat(report.tables()).allMatch(t -> t.expectedRows() > 0);
        assertThat(report.rtoSeconds()).isPositive();
        assertThat(report.checkpoint().ageSeconds()).isPositive();
        assertThat(newestReport("drill-ok", stores.backup())).isEqualTo(report);
        assertThat(scratchDatabases()).isZero();
        System.out.printf("DrillIT: drill of alpha passed, RTO %.2f s%n", report.rtoSeconds());
    }

    @Test
    void findsACheckpointOlderThanTheNewestBaseAndRestoresFromTheLogAroundIt() {
        ToolRun r = ToolRun.run(based, "drill", "--tenant", "alpha");

        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("drill alpha (regime eu): PASS");
    }

    @Test
    void aBackupMissingASegmentFailsNamingTheTableAndTheDifference() throws Exception {
        ToolRun r = ToolRun.run(corrupt, "drill", "--tenant", "alpha");

        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(r.err()).contains("drill failed: alpha: ").containsPattern("public\\.\\w+: expected \\d+ rows");
        DrillReport report = newestReport("drill-bad", stores.primary());
        assertThat(report.result()).isEqualTo(DrillResult.FAIL);
        assertThat(report.mismatchedTables()).isPositive();
        assertThat(scratchDatabases()).isZero();
    }

    @Test
    void statusShowsEachTenantsLastDrillFromItsNewestReport() {
        assertThat(ToolRun.run(corrupt, "drill", "--tenant", "alpha").code()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        ToolRun failed = ToolRun.run(corrupt, "status", "--tenant", "alpha");
        assertThat(ToolRun.run(healthy, "drill", "--tenant", "alpha").code()).isEqualTo(ExitCodes.OK);
        ToolRun passed = ToolRun.run(healthy, "status", "--tenant", "alpha");

        assertThat(failed.code()).as(failed.err()).isZero();
        assertThat(failed.out()).contains("last drill").containsPattern("alpha .* FAIL 20\\d\\d-");
        assertThat(passed.out()).containsPattern("alpha .* PASS 20\\d\\d-");
    }

    @Test
    void aWatermarkBehindTheCheckpointOfABackupWithoutDurableMarksIsAnErrorThatSaysSo() {
        ToolRun r = ToolRun.run(unmarked, "drill", "--tenant", "beta", "--watermark-timeout", "PT2S");

        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).contains("drill could not run: beta: tenant beta's watermark (none) did not reach its checkpoint");
    }

    @Test
    void aScratchServerThatDoesNotAnswerIsAnErrorResultAndUnavailable() throws Exception {
        Path config = withSetting(healthy, ToolConfig.DRILL_POSTGRES_URL, "jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/postgres");

        ToolRun r = ToolRun.run(config, "drill", "--tenant", "alpha");

        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err()).contains("drill could not run: alpha: ").contains("refused");
        assertThat(newestReport("drill-ok", stores.primary()).result()).as("the ERROR is stored like any result")
                .isEqualTo(DrillResult.ERROR);
    }

    @Test
    void withDurableMarksTheDrillNeedsNoKafka() throws Exception {
        Path config = withSetting(healthy, ToolConfig.BOOTSTRAP_SERVERS, "127.0.0.1:" + FreePorts.next());

        ToolRun r = ToolRun.run(config, "drill", "--tenant", "beta");

        assertThat(r.code()).as("the marks in the store prove the checkpoint durable: " + r.out() + r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("drill beta (regime eu): PASS");
    }

    @Test
    void withoutDurableMarksKafkaThatDoesNotAnswerIsAnErrorResultAndUnavailable() throws Exception {
        String brokers = "127.0.0.1:" + FreePorts.next();
        Path config = withSetting(unmarked, ToolConfig.BOOTSTRAP_SERVERS, brokers);

        ToolRun r = ToolRun.run(config, "drill", "--tenant", "alpha", "--watermark-timeout", "PT3S");

        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err()).contains("drill could not run: alpha: cannot read strata.watermarks: no answer from Kafka at bootstrap.servers="
                + brokers);
    }

    private static Path withSetting(Path config, String key, String value) throws Exception {
        Properties props = new Properties();
        try (var in = Files.newInputStream(config)) {
            props.load(in);
        }
        props.setProperty(key, value);
        return LocalStores.write(props, LocalStackExtension.workDir());
    }

    private List<TableCheckpoint> count(Connection c, String tenant) throws Exception {
        List<TableCheckpoint> tables = new ArrayList<>();
        for (String table : List.of("public.accounts", "public.orders", tenant + ".notes")) {
            String where = table.startsWith("public.") ? " WHERE tenant_id = '" + tenant + "'" : "";
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT " + RowChecksum.AGGREGATE + " FROM " + table + " " + RowChecksum.ROW_ALIAS + where)) {
                rs.next();
                tables.add(new TableCheckpoint(table, rs.getLong(1), rs.getString(2)));
            }
        }
        return tables;
    }

    /**
     * Has the sink write every tenant's events (one partition, as read) in segments of 10 of the
     * tenant's events; {@code drop}: the index of an alpha segment lost from both regions;
     * {@code baseAtEnd}: the sink also makes alpha a base of all its log, cut at its last change
     * (after the checkpoint); {@code marks}: whether the sink writes durable marks (else, one older than them).
     */
    private Path backUp(List<ChangeEvent> events, String bucket, int drop, boolean baseAtEnd, boolean marks) throws Exception {
        stores.primary().createLockedBucket(bucket + "-primary");
        stores.backup().createLockedBucket(bucket + "-backup");
        try (ObjectStore primary = LocalStores.writer(stores.primary(), bucket + "-primary");
             ObjectStore backup = LocalStores.writer(stores.backup(), bucket + "-backup");
             SinkBackup sink = new SinkBackup(primary, backup, Files.createTempDirectory(LocalStackExtension.workDir(), "drill-sink"))) {
            TenantId alpha = TenantId.of("alpha");
            AtomicInteger alphaSegments = new AtomicInteger();
            sink.lose(segment -> segment.tenant().equals(alpha) && alphaSegments.getAndIncrement() == drop);
            if (!marks) {
                sink.withoutMarks(); // a sink older than durable marks: the drill waits for the watermark in Kafka
            }
            sink.write(events, SinkBackup.everyNEvents(10));
            if (baseAtEnd) {
                long lastAlphaCommit = events.stream().filter(e -> e.getTenant().equals("alpha")).mapToLong(ChangeEvent::getCommitTsMicros)
                        .max().orElseThrow();
                sink.base(alpha, lastAlphaCommit + 1);
            }
        }
        Properties props = LocalStores.regime("eu", stores.primary(), bucket + "-primary", stores.backup(), bucket + "-backup");
        props.setProperty(ToolConfig.REGIMES, "eu");
        props.setProperty("bootstrap.servers", bootstrapServers);
        props.setProperty("strata.regime.eu.primary." + ToolConfig.DRILL_CREDENTIALS_FILE,
                stores.primary().credentialsFile(StoreRole.DRILL).toString());
        props.setProperty("strata.regime.eu.backup." + ToolConfig.DRILL_CREDENTIALS_FILE,
                stores.backup().credentialsFile(StoreRole.DRILL).toString());
        props.setProperty(ToolConfig.DRILL_POSTGRES_URL, postgres.jdbcUrl("postgres"));
        props.setProperty(ToolConfig.DRILL_POSTGRES_USER, postgres.user());
        return LocalStores.write(props, LocalStackExtension.workDir());
    }

    private DrillReport newestReport(String bucket, LocalRegion region) {
        String name = bucket + (region == stores.primary() ? "-primary" : "-backup");
        try (ObjectStore reader = S3ObjectStore.open(new StoreLocation(region.endpoint(), name, region.signingRegion()),
                StoreCredentials.fromFile(region.credentialsFile(StoreRole.READER)), VersionPolicy.FIRST_VERSION)) {
            var keys = reader.listAll(BackupLayout.drillsPrefix(TenantId.of("alpha")), java.util.Optional.empty()).toList();
            assertThat(keys).isNotEmpty();
            return DrillReport.parse(reader.get(keys.get(keys.size() - 1).key()).orElseThrow().bytes()).orElseThrow();
        }
    }

    private long scratchDatabases() throws Exception {
        try (Connection c = connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'strata_drill_%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Connection connect(String db) throws Exception {
        return DriverManager.getConnection(postgres.jdbcUrl(db), postgres.user(), postgres.password());
    }
}
