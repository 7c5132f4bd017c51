package dev.strata.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.capture.CaptureService;
import dev.strata.capture.CaptureTestSetup;
import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.local.PitrRecovery;
import dev.strata.local.PitrSource;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.testing.BackupChain;
import dev.strata.restore.testing.CommitInversions;
import dev.strata.restore.testing.GatedCommitWorkload;
import dev.strata.restore.testing.TenantTables;
import dev.strata.restore.testing.ToolRun;
import dev.strata.restore.testing.WalSampler;
import dev.strata.restore.plan.WalLsn;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The restore-point contract (DESIGN.md section 7) against the real peer: PostgreSQL's own
 * point-in-time recovery of the same source. A base backup and WAL archive of the source; eight
 * connections changing the same rows of two tenants for 15 s, backed up by the whole chain
 * (capture, router, a sink writing both Ceph regions); then, for random times and for times at
 * commit-time inversions found in Strata's log, PostgreSQL's recovery to T and {@code replay
 * --until T} of each tenant into a fresh database hold the same rows of that tenant. The same for
 * LSNs ({@code recovery_target_lsn} and {@code replay --until-lsn}): WAL insert positions sampled
 * during the workload and ends of tenants' commit records, recovered to in the same ascending
 * recovery; a replay may refuse an LSN whose side of a commit record the backup cannot tell, but
 * most targets must be decided for a tenant.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PitrDifferentialIT {
    private static final String DB = "pitr_source";
    private static final Duration WORKLOAD = Duration.ofSeconds(15);
    private static final int CONNECTIONS = 8;
    private static final Duration MORE_WORKLOAD = Duration.ofSeconds(5);
    private static final int MORE_RUNS = 3;
    private static final int RANDOM_TARGETS = 3;
    private static final int INVERSION_TARGETS = 2;
    private static final int REPLAYS_AT_ONCE = 4;
    /** LSN targets (recovery_target_lsn): insert positions sampled during the workload, and ends of tenants' commit records. */
    private static final int SAMPLED_LSN_TARGETS = 3;
    private static final int COMMIT_END_TARGETS = 2;
    private static final Duration WAL_SAMPLE_EVERY = Duration.ofMillis(300);
    /**
     * An LSN target is recovered to in the same ascending chain as the times, ordered by when it was
     * the WAL's position; one this close to a time target could be on either side of its stop.
     */
    private static final long LSN_CLEARANCE_MICROS = 500_000;
    /**
     * Statements run halfway through the workload ("DDL in the middle", issue 15 item 5): rows not
     * written since must come back with the default PostgreSQL gave them, at every later T.
     */
    private static final List<String> DDL_MIDWAY = List.of("ALTER TABLE public.accounts ADD COLUMN tier int NOT NULL DEFAULT 5");

    private final String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
    private final List<String> tenants = List.of("pitr-acme-" + suffix, "pitr-globex-" + suffix);
    private PitrSource source;
    private PitrSource.BaseBackup base;
    private BackupChain chain;
    private final TreeSet<Long> targets = new TreeSet<>();
    /** A time after the DDL's commit (read once its statement returned). */
    private long ddlCommittedMicros;
    private final List<LsnTarget> lsnTargets = new ArrayList<>();

    /** An LSN as PostgreSQL prints it, when it was the WAL's position, and where it came from. */
    private record LsnTarget(String lsn, long wallMicros, String origin) {
    }

    @BeforeAll
    void backUpAWorkloadBothWays(LocalKafka kafka, LocalObjectStores stores) throws Exception {
        long began = System.nanoTime();
        source = PitrSource.start(LocalStackExtension.workDir());
        LocalPostgres pg = source.postgres();
        pg.createDatabase(DB);
        execute(pg.jdbcUrl(DB), GatedCommitWorkload.SCHEMA);
        GatedCommitWorkload workload = new GatedCommitWorkload(pg.jdbcUrl(DB), pg.user(), tenants, CONNECTIONS);
        workload.seed();
        base = source.baseBackup();

        chain = BackupChain.start(kafka, stores, LocalStackExtension.workDir().resolve("pitr-" + suffix), new Properties());
        tenants.forEach(chain::place);
        String name = "pitr_" + suffix;
        long first;
        long last;
        long committed;
        List<WalSampler.Sample> samples;
        try (CaptureService capture = CaptureService.start(CaptureTestSetup.config(CaptureTestSetup.properties(kafka, pg, DB, name,
                String.join(",", GatedCommitWorkload.TABLES))), Clock.systemUTC())) {
            capture.awaitStreaming(Duration.ofSeconds(60));
            first = nowMicros();
            try (WalSampler sampler = WalSampler.start(pg.jdbcUrl(DB), pg.user(), WAL_SAMPLE_EVERY)) {
                committed = workload.run(WORKLOAD.dividedBy(2), 1);
                if (!DDL_MIDWAY.isEmpty()) {
                    execute(pg.jdbcUrl(DB), String.join(";\n", DDL_MIDWAY));
                }
                ddlCommittedMicros = nowMicros();
                committed += workload.run(WORKLOAD.dividedBy(2), 2);
                samples = sampler.stop();
            }
            last = drain(nowMicros());
            // inversions are races: a quiet machine may make none in 15 s; then the connections race on a while longer
            for (int more = 1; inversions(kafka, name).isEmpty() && more <= MORE_RUNS; more++) {
                committed += workload.run(MORE_WORKLOAD, 2 + more);
                last = drain(nowMicros());
            }
        }
        CommitInversions.Log log = CommitInversions.read(kafka, name, Set.copyOf(tenants));
        System.out.printf("PitrDifferentialIT: %d transactions committed by %d connections in %.1f s; Strata's log: %d transactions,"
                + " %d commit-time inversions%n", committed, CONNECTIONS, (last - first) / 1e6, log.transactions(), log.inversions().size());
        assertThat(log.inversions()).as("commit-time inversions among %d transactions (the gated commits race to make them)",
                log.transactions()).isNotEmpty();
        Random random = new Random(suffix.hashCode());
        for (int i = 0; i < RANDOM_TARGETS; i++) {
            targets.add(first + (long) (random.nextDouble() * (last - first)));
        }
        List<CommitInversions.Inversion> inversions = log.inversions();
        for (int i = 0; i < Math.min(INVERSION_TARGETS, inversions.size()); i++) {
            CommitInversions.Inversion at = inversions.get(i * inversions.size() / Math.min(INVERSION_TARGETS, inversions.size()));
            targets.add(at.commitMicros()); // committed by then, but after a commit record timed later: not in PostgreSQL's recovery
            targets.add(at.cutMicros() - 1);
            System.out.printf("PitrDifferentialIT: inversion: transaction %d committed at %s after a commit record timed %s%n",
                    at.txId(), RestoreTime.format(at.commitMicros()), RestoreTime.format(at.cutMicros()));
        }
        chooseLsnTargets(samples, log.commits(), last, random);
        System.out.printf("PitrDifferentialIT: source, base backup, chain, capture, workload and archive in %d s%n",
                (System.nanoTime() - began) / 1_000_000_000);
    }

    /** Sampled insert positions and ends of commit records, each clear of every time target (see LSN_CLEARANCE_MICROS). */
    private void chooseLsnTargets(List<WalSampler.Sample> samples, List<CommitInversions.Commit> commits, long last, Random random) {
        // well before the end, both kinds: one sampled once the workload stopped, or the last commits, may lie past what the backup proves
        List<WalSampler.Sample> clear = new ArrayList<>(samples.stream()
                .filter(s -> s.wallMicros() < last - 2_000_000 && clearOfTimeTargets(s.wallMicros())).toList());
        java.util.Collections.shuffle(clear, random);
        clear.stream().limit(SAMPLED_LSN_TARGETS).forEach(s -> lsnTargets.add(new LsnTarget(s.lsn(), s.wallMicros(), "sampled")));
        List<CommitInversions.Commit> ends = commits.stream()
                .filter(c -> c.commitMicros() < last - 2_000_000 && clearOfTimeTargets(c.commitMicros())).toList();
        for (int i = 1; i <= COMMIT_END_TARGETS && !ends.isEmpty(); i++) {
            CommitInversions.Commit at = ends.get(i * ends.size() / (COMMIT_END_TARGETS + 1));
            lsnTargets.add(new LsnTarget(WalLsn.format(at.commitLsn()), at.commitMicros(), "end of the commit record of transaction "
                    + at.txId() + " of " + at.tenant()));
        }
        assertThat(lsnTargets).as("LSN targets from %d samples and %d commits", samples.size(), commits.size())
                .hasSize(SAMPLED_LSN_TARGETS + COMMIT_END_TARGETS);
    }

    private boolean clearOfTimeTargets(long wallMicros) {
        return targets.stream().allMatch(t -> Math.abs(t - wallMicros) > LSN_CLEARANCE_MICROS);
    }

    /** Archives the source's WAL and waits until both tenants are durable up to {@code untilMicros}; returns it. */
    private long drain(long untilMicros) throws Exception {
        source.archiveWrittenWal();
        for (String tenant : tenants) {
            chain.awaitDurable(tenant, untilMicros, Duration.ofSeconds(60));
        }
        return untilMicros;
    }

    private List<CommitInversions.Inversion> inversions(LocalKafka kafka, String name) {
        return CommitInversions.read(kafka, name, Set.copyOf(tenants)).inversions();
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (chain != null) {
            chain.close();
        }
        if (source != null) {
            source.close();
        }
    }

    /** A time or an LSN target, placed in the one ascending recovery by when it was the WAL's position. */
    private record Target(long wallMicros, Long time, LsnTarget lsn) {
        String describe() {
            return time != null ? "T " + RestoreTime.format(time) : "LSN " + lsn.lsn() + " (" + lsn.origin() + ")";
        }

        String[] replayArgs() {
            return time != null ? new String[] {"--until", RestoreTime.format(time)} : new String[] {"--until-lsn", lsn.lsn()};
        }
    }

    /** A replay's database, or why it refused to decide (an LSN whose side of a commit record the backup cannot tell). */
    private record Restored(String db, String refusal) {
    }

    @Test
    void eachTenantRestoredToTOrAnLsnHoldsTheRowsPostgresRecoversToIt(LocalPostgres restores) throws Exception {
        List<Target> all = new ArrayList<>();
        targets.forEach(t -> all.add(new Target(t, t, null)));
        lsnTargets.forEach(l -> all.add(new Target(l.wallMicros(), null, l)));
        all.sort(java.util.Comparator.comparingLong(Target::wallMicros));
        List<String> differences = new ArrayList<>();
        List<String> leftForDdl = new ArrayList<>();
        int lsnPairs = 0;
        int lsnCompared = 0;
        int undecidedTargets = 0;
        List<String> blockedByDdl = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        ExecutorService replays = Executors.newFixedThreadPool(REPLAYS_AT_ONCE);
        try (PitrRecovery recovery = PitrRecovery.of(base, source.archive(), LocalStackExtension.workDir())) {
            // the replays need no recovery: they run meanwhile, a few at once, while PostgreSQL recovers to each target in turn
            Map<Target, List<Future<Restored>>> restored = new java.util.LinkedHashMap<>();
            for (Target target : all) {
                restored.put(target, tenants.stream().map(tenant -> replays.submit(() -> replay(restores, tenant, target, all.indexOf(target))))
                        .toList());
            }
            for (Target target : all) {
                List<Restored> outcomes = new ArrayList<>();
                for (Future<Restored> replay : restored.get(target)) {
                    outcomes.add(replay.get());
                }
                if (target.lsn() != null) {
                    lsnPairs += tenants.size();
                    outcomes.stream().filter(o -> o.refusal() != null).forEach(o -> refusals.add(target.describe() + ": " + o.refusal()));
                    String replayed = recovery.replayedLsn();
                    if (outcomes.stream().allMatch(o -> o.refusal() != null)) {
                        undecidedTargets++;
                        continue;
                    }
                    if (!replayed.isEmpty() && WalLsn.parse(replayed) > WalLsn.parse(target.lsn().lsn())) {
                        System.out.printf("PitrDifferentialIT: %s skipped: PostgreSQL's recovery already replayed to %s%n",
                                target.describe(), replayed);
                        continue;
                    }
                }
                long started = System.nanoTime();
                if (target.time() != null) {
                    recovery.recoverTo(instant(target.time()));
                } else {
                    recovery.recoverToLsn(target.lsn().lsn());
                }
                long recovered = System.nanoTime();
                String stop = target.time() != null ? "stopped before " + recovery.stopPoint() : "replayed to " + recovery.replayedLsn();
                List<String> locked;
                try (Connection recoveredDb = DriverManager.getConnection(recovery.jdbcUrl(DB), recovery.user(), "")) {
                    locked = TenantTables.exclusivelyLocked(recoveredDb, GatedCommitWorkload.TABLES);
                }
                if (!locked.isEmpty()) {
                    // paused inside the DDL's transaction (the first commit after T, as the ALTER held off every other one):
                    // the replayed AccessExclusiveLock stays until its commit is replayed, so no read of the table returns
                    blockedByDdl.add(target.describe() + " (" + stop + "): " + locked);
                    continue;
                }
                for (int i = 0; i < tenants.size(); i++) {
                    String tenant = tenants.get(i);
                    String db = outcomes.get(i).db();
                    if (db == null) {
                        continue;
                    }
                    lsnCompared += target.lsn() != null ? 1 : 0;
                    try (Connection recoveredDb = DriverManager.getConnection(recovery.jdbcUrl(DB), recovery.user(), "");
                         Connection restoredDb = DriverManager.getConnection(restores.jdbcUrl(db), restores.user(), "")) {
                        for (String table : GatedCommitWorkload.TABLES) {
                            String at = target.describe() + ", tenant " + tenant + ", " + table;
                            differences.addAll(rowDifferences(at + " (PostgreSQL " + stop + ")",
                                    TenantTables.rows(recoveredDb, table, tenant), TenantTables.rows(restoredDb, table, tenant)));
                            assertThat(TenantTables.namesAndTypes(restoredDb, table)).as("columns and types at %s", at)
                                    .isEqualTo(TenantTables.namesAndTypes(recoveredDb, table));
                            List<String> postgres = TenantTables.columns(recoveredDb, table);
                            List<String> restore = TenantTables.columns(restoredDb, table);
                            if (!restore.equals(postgres)) {
                                leftForDdl.add(table + ": PostgreSQL " + postgres + ", restore " + restore);
                            }
                        }
                    }
                }
                System.out.printf("PitrDifferentialIT: %s: PostgreSQL recovered in %d ms (%s), compared in %d ms%n",
                        target.describe(), (recovered - started) / 1_000_000, stop,
                        (System.nanoTime() - recovered) / 1_000_000);
            }
        } finally {
            replays.shutdownNow();
        }
        // not silent: what the restored definitions lack until the schema history (issue 15 item 3) lands
        leftForDdl.stream().distinct().forEach(gap -> System.out.println("PitrDifferentialIT: LEFT FOR DDL (issue 15 item 3): " + gap));
        refusals.forEach(r -> System.out.println("PitrDifferentialIT: refused: " + r));
        blockedByDdl.forEach(b -> System.out.println("PitrDifferentialIT: not compared, the recovery holds the DDL's lock: " + b));
        assertThat(blockedByDdl).as("targets paused inside the one DDL transaction").hasSizeLessThanOrEqualTo(2);
        System.out.printf("PitrDifferentialIT: LSN targets: %d, %d refused for every tenant; %d tenant restores, %d refused (the backup"
                + " cannot tell), %d compared%n", lsnTargets.size(), undecidedTargets, lsnPairs, refusals.size(), lsnCompared);
        assertThat(differences).as("rows that differ between PostgreSQL's recovery and Strata's restore at %d targets", all.size())
                .isEmpty();
        // the gated commits park the WAL right before a commit record, so a sampled position is often exactly where one starts,
        // which PostgreSQL keeps and the backup cannot see: a tenant is refused there, but most targets are decided for a tenant
        assertThat(undecidedTargets).as("LSN targets refused for every tenant, of %d (refusals: %s)", lsnTargets.size(), refusals)
                .isLessThan((lsnTargets.size() + 1) / 2);
        assertThat(lsnCompared).as("LSN restores compared with PostgreSQL's recovery").isPositive();
    }

    /** {@code replay --until T} or {@code --until-lsn L} of one tenant into a fresh database; its name, or the refusal. */
    private Restored replay(LocalPostgres restores, String tenant, Target target, int index) {
        String db = "pitr_" + index + "_" + tenants.indexOf(tenant) + "_" + suffix;
        restores.createDatabase(db);
        List<String> args = new ArrayList<>(List.of("replay", "--tenant", tenant));
        args.addAll(List.of(target.replayArgs()));
        args.addAll(List.of("--to", restores.jdbcUrl(db), "--progress", "none"));
        ToolRun replay = ToolRun.run(chain.toolConfig(), args.toArray(String[]::new));
        if (target.lsn() != null && replay.code() == ExitCodes.BAD_INPUT && replay.err().contains("cannot decide --until-lsn")) {
            assertThat(replay.err()).as("a refusal names the transaction ids to give instead").contains("Give --until-xid ");
            return new Restored(null, tenant + ": " + replay.err().strip());
        }
        assertThat(replay.code()).as("replay of %s to %s: %s", tenant, target.describe(), replay.err()).isZero();
        return new Restored(db, null);
    }

    @Test
    void eachTenantRestoredToTHasTheTableDefinitionsPostgresRecoversToT(LocalPostgres restores) throws Exception {
        try (PitrRecovery recovery = PitrRecovery.of(base, source.archive(), LocalStackExtension.workDir())) {
            // never before the DDL's commit: a recovery paused inside its transaction holds the replayed AccessExclusiveLock
            // until that commit is replayed, and a read of the table's definition waited on it for good (a hung CI run)
            long target = Math.max(targets.last(), ddlCommittedMicros);
            recovery.recoverTo(instant(target));
            String tenant = tenants.get(0);
            String db = "pitr_ddl_" + suffix;
            restores.createDatabase(db);
            ToolRun replay = ToolRun.run(chain.toolConfig(), "replay", "--tenant", tenant, "--until", RestoreTime.format(target),
                    "--to", restores.jdbcUrl(db), "--progress", "none");
            assertThat(replay.code()).as(replay.err()).isZero();
            try (Connection recoveredDb = DriverManager.getConnection(recovery.jdbcUrl(DB), recovery.user(), "");
                 Connection restored = DriverManager.getConnection(restores.jdbcUrl(db), restores.user(), "");
                 Statement settings = recoveredDb.createStatement()) {
                settings.execute("SET lock_timeout = '30s'"); // a lock held by the replay fails the test, never hangs it
                for (String table : GatedCommitWorkload.TABLES) {
                    assertThat(TenantTables.columns(restored, table)).as(table).isEqualTo(TenantTables.columns(recoveredDb, table));
                    assertThat(TenantTables.constraintsAndIndexes(restored, table)).as(table)
                            .isEqualTo(TenantTables.constraintsAndIndexes(recoveredDb, table));
                }
            }
        }
    }

    /** Rows only one side holds, named with where they were found: empty when both hold the same. */
    private static List<String> rowDifferences(String at, List<String> postgres, List<String> restore) {
        List<String> onlyPostgres = new ArrayList<>(postgres);
        onlyPostgres.removeAll(restore);
        List<String> onlyRestore = new ArrayList<>(restore);
        onlyRestore.removeAll(postgres);
        if (onlyPostgres.isEmpty() && onlyRestore.isEmpty()) {
            return List.of();
        }
        return List.of(at + ": " + onlyPostgres.size() + " row(s) only in PostgreSQL's recovery " + first(onlyPostgres) + ", "
                + onlyRestore.size() + " only in the restore " + first(onlyRestore));
    }

    private static List<String> first(List<String> rows) {
        return rows.subList(0, Math.min(5, rows.size()));
    }

    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
