package dev.strata.restore;

import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.keystore.StoredDataKeys;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.FreePorts;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.target.LuceneTarget;
import dev.strata.restore.testing.CaptureSimulator;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.restore.testing.ToolRun;
import dev.strata.restore.testing.TwoTenantWorkload;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.sink.segment.RotationPolicy;
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
import java.util.Random;
import java.util.TreeSet;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A two-tenant workload on a real source Postgres, backed up by the sink's classes (segments in both
 * Ceph regions with Object Lock, hour manifests, the last hour unsealed, re-delivered duplicates),
 * restored with the CLI into fresh databases and a Lucene index.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoreEndToEndIT {
    private static final long START = RestoreTime.parse("2026-11-21T09:30:00Z");
    private static final int TRANSACTIONS = 150;
    private static final List<Integer> CHECKPOINTS = List.of(50, 100, 150);

    private LocalPostgres postgres;
    private Path config;
    private final List<Long> times = new ArrayList<>();
    private final List<Map<String, String>> alphaAt = new ArrayList<>();
    private Map<String, String> betaAtEnd;
    private TreeSet<String> alphaIdsAtT2;

    @BeforeAll
    void backUpAWorkload(LocalPostgres pg, LocalObjectStores stores) throws Exception {
        postgres = pg;
        pg.createDatabase("e2e_source");
        List<ChangeEvent> events;
        try (Connection source = connect("e2e_source"); Connection sums = connect("e2e_source")) {
            TwoTenantWorkload.createSchema(source);
            CaptureSimulator capture = new CaptureSimulator(source);
            TwoTenantWorkload workload = new TwoTenantWorkload(42);
            Random random = new Random(1);
            long commitTs = START;
            for (int i = 1; i <= TRANSACTIONS; i++) {
                commitTs += 10_000_000L + random.nextInt(80_000_000);
                // each checkpoint is a change of alpha: a restore point after a tenant's last change is refused
                if (CHECKPOINTS.contains(i)) {
                    workload.transaction(capture, commitTs, "alpha");
                } else {
                    workload.transaction(capture, commitTs);
                }
                if (CHECKPOINTS.contains(i)) {
                    times.add(commitTs);
                    alphaAt.add(TwoTenantWorkload.checksums(sums, "alpha"));
                    if (i == CHECKPOINTS.get(1)) {
                        alphaIdsAtT2 = TwoTenantWorkload.luceneIds(sums, "alpha");
                    }
                }
            }
            betaAtEnd = TwoTenantWorkload.checksums(sums, "beta");
            events = capture.events();
        }
        stores.primary().createLockedBucket("e2e-primary");
        stores.backup().createLockedBucket("e2e-backup");
        // bodies sealed as the sink seals them, under data keys in the regime's key stores (the writer creates them)
        try (ObjectStore primary = LocalStores.writer(stores.primary(), "e2e-primary");
             ObjectStore backup = LocalStores.writer(stores.backup(), "e2e-backup");
             StoredDataKeys keys = LocalStores.writerKeys(stores, "eu", "e2e-primary", "e2e-backup");
             SinkBackup sink = new SinkBackup(primary, backup, Files.createTempDirectory(LocalStackExtension.workDir(), "e2e-sink"),
                     BodySealer.sealing(keys))) {
            // both tenants in one partition, as routed; a two-minute flush interval cuts segments of one to a few transactions
            RotationPolicy rotation = SinkBackup.flushEvery(Duration.ofMinutes(2));
            sink.write(events, rotation);
            // at-least-once: capture sent a run of each tenant's changes again, read by the next run of the sink
            List<ChangeEvent> again = new ArrayList<>();
            for (String tenant : TwoTenantWorkload.TENANTS) {
                List<ChangeEvent> mine = events.stream().filter(e -> e.getTenant().equals(tenant)).toList();
                again.addAll(mine.subList(mine.size() / 3, mine.size() / 3 + 12));
            }
            sink.write(again, rotation);
            sink.seal(Optional.of(UtcHour.containing(times.get(2)))); // the last hour stays open
        }
        java.util.Properties props = LocalStores.regime("eu", stores.primary(), "e2e-primary", stores.backup(), "e2e-backup");
        props.setProperty(ToolConfig.REGIMES, "eu");
        props.setProperty("strata.regime.eu.kek.file", stores.kekFile("eu").toString());
        config = LocalStores.write(props, LocalStackExtension.workDir());
        assertThat(UtcHour.containing(times.get(2)).compareTo(UtcHour.containing(START))).isPositive(); // spans several hours
    }

    @Test
    void replayToEachTimeGivesTheSourceChecksumsAndNothingOfTheOtherTenant() throws SQLException {
        for (int i = 0; i < times.size(); i++) {
            String db = "e2e_alpha_t" + (i + 1);
            postgres.createDatabase(db);
            ToolRun r = ToolRun.run(config, "replay", "--tenant", "alpha", "--until", RestoreTime.format(times.get(i)), "--to", postgres.jdbcUrl(db),
                    "--progress", "plain");
            assertThat(r.code()).as(r.err()).isEqualTo(0);
            assertThat(r.out()).contains("restored tenant alpha to " + RestoreTime.format(times.get(i))).contains("public.orders")
                    .contains("read from primary");
            try (Connection c = connect(db)) {
                assertThat(TwoTenantWorkload.checksums(c, "alpha")).as("alpha at t%d", i + 1).isEqualTo(alphaAt.get(i));
                assertThat(count(c, "SELECT count(*) FROM public.accounts WHERE tenant_id <> 'alpha'")).isZero();
                assertThat(count(c, "SELECT count(*) FROM public.orders WHERE tenant_id <> 'alpha'")).isZero();
                assertThat(count(c, "SELECT count(*) FROM pg_namespace WHERE nspname = 'beta'")).isZero();
                assertThat(count(c, "SELECT count(*) FROM pg_index WHERE indisprimary AND indrelid = 'public.orders'::regclass")).isOne();
            }
        }
    }

    @Test
    void aDatabaseHoldingTheOtherTenantIsRefusedThenLeftUntouchedWhenForced() throws SQLException {
        postgres.createDatabase("e2e_holds_beta");
        String url = postgres.jdbcUrl("e2e_holds_beta");
        assertThat(ToolRun.run(config, "replay", "--tenant", "beta", "--until", "latest", "--to", url).code()).isZero();
        try (Connection c = connect("e2e_holds_beta")) {
            assertThat(TwoTenantWorkload.checksums(c, "beta")).isEqualTo(betaAtEnd);
        }
        String t3 = RestoreTime.format(times.get(2));
        ToolRun refused = ToolRun.run(config, "replay", "--tenant", "alpha", "--until", t3, "--to", url);
        assertThat(refused.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(refused.err()).contains("cannot restore tenant alpha: target table public.accounts is not empty (use --force");
        ToolRun forced = ToolRun.run(config, "replay", "--tenant", "alpha", "--until", t3, "--to", url, "--force");
        assertThat(forced.code()).as(forced.err()).isZero();
        try (Connection c = connect("e2e_holds_beta")) {
            assertThat(TwoTenantWorkload.checksums(c, "beta")).isEqualTo(betaAtEnd);
            assertThat(TwoTenantWorkload.checksums(c, "alpha")).isEqualTo(alphaAt.get(2));
        }
    }

    @Test
    void theLuceneIndexHoldsExactlyTheTenantsRowsAtT2() throws Exception {
        Path index = Files.createTempDirectory(LocalStackExtension.workDir(), "lucene").resolve("alpha");
        ToolRun r = ToolRun.run(config, "replay", "--tenant", "alpha", "--until", RestoreTime.format(times.get(1)), "--target", "lucene",
                "--to", index.toString());
        assertThat(r.code()).as(r.err()).isZero();
        TreeSet<String> ids = new TreeSet<>();
        try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(index))) {
            StoredFields fields = reader.storedFields();
            for (int i = 0; i < reader.maxDoc(); i++) {
                Document doc = fields.document(i);
                assertThat(doc.get(LuceneTarget.TENANT)).isEqualTo("alpha");
                ids.add(doc.get(LuceneTarget.ID));
                if (doc.get(LuceneTarget.TABLE).equals("public.accounts")) {
                    assertThat(doc.get("tenant_id")).isEqualTo("alpha");
                    assertThat(doc.get("name")).startsWith("acct ");
                }
            }
            assertThat(reader.numDocs()).isEqualTo(alphaIdsAtT2.size());
        }
        assertThat(ids).isEqualTo(alphaIdsAtT2);
        ToolRun again = ToolRun.run(config, "replay", "--tenant", "alpha", "--until", RestoreTime.format(times.get(1)), "--target", "lucene",
                "--to", index.toString());
        assertThat(again.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(again.err()).contains("is not empty").contains("--force");
    }

    @Test
    void listPlanAndVerifyDescribeTheBackup() {
        ToolRun points = ToolRun.run(config, "list", "points", "--tenant", "alpha");
        assertThat(points.code()).as(points.err()).isZero();
        assertThat(points.out()).contains("earliest restorable: ").contains("latest restorable:   " + RestoreTime.format(times.get(2)));
        ToolRun tenants = ToolRun.run(config, "list", "tenants");
        assertThat(tenants.out()).contains("alpha").contains("beta").contains("eu/primary eu/backup");
        ToolRun plan = ToolRun.run(config, "replay", "--tenant", "alpha", "--until", RestoreTime.format(times.get(0)), "--dry-run");
        assertThat(plan.code()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("plan: tenant alpha (regime eu)").contains("segments").contains("bytes").contains("commits from");
        ToolRun verify = ToolRun.run(config, "verify", "--tenant", "alpha");
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("verify: OK").contains("hours not sealed yet");
    }

    @Test
    void badInputNamesTheThingAndTheFix() {
        ToolRun unknown = ToolRun.run(config, "replay", "--tenant", "gamma", "--until", "latest", "--target", "ndjson");
        assertThat(unknown.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.err()).contains("unknown tenant gamma").contains("list tenants");
        ToolRun early = ToolRun.run(config, "replay", "--tenant", "alpha", "--until", "2026-11-21T09:00:00Z", "--target", "ndjson");
        assertThat(early.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(early.err()).contains("before its first backup; the earliest restorable time is 2026-11-21T09:3");
        ToolRun late = ToolRun.run(config, "replay", "--tenant", "alpha", "--until", "2026-11-22T00:00:00Z", "--target", "ndjson");
        assertThat(late.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(late.err()).contains("after its durable point " + RestoreTime.format(times.get(2)));
    }

    @Test
    void aTargetDatabaseThatDoesNotAnswerIsUnavailable() {
        String to = "jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/restored";

        ToolRun r = ToolRun.run(config, "replay", "--tenant", "alpha", "--until", RestoreTime.format(times.get(0)), "--to", to,
                "--user", postgres.user(), "--progress", "none");

        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err()).startsWith("unavailable, retry later: cannot connect to the target " + to)
                .contains("check that the server is up");
    }

    private Connection connect(String db) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(db), postgres.user(), postgres.password());
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
