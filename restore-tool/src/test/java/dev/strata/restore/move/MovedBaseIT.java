package dev.strata.restore.move;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.testing.CaptureSimulator;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.restore.testing.ToolRun;
import dev.strata.restore.testing.TwoTenantWorkload;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.event.CutTime;
import dev.strata.schemas.keystore.StoredDataKeys;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.store.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A history that starts at a base (retention expired the log before it) moved as {@code tenants move} moves it
 * ({@link HistoryCopy#select}): the base as snapshot events ({@link BaseSnapshot}), then the log the base does not cover
 * whole, stored in another regime by the sink's own writer and sealed under that regime's keys. Some of alpha's changes
 * from before the cut arrive late, after the base was made, in a segment of their own: the base lacks them, a restore
 * from it reads them, and so must the moved history. Restores of the new regime at the cut and at points after it equal
 * the source at those points; a point before the cut is refused there, as the old regime refuses an expired one.
 */
@ExtendWith(LocalStackExtension.class)
class MovedBaseIT {
    private static final long START = RestoreTime.parse("2026-11-21T09:30:00Z");
    private static final TenantId ALPHA = TenantId.of("alpha");

    @Test
    void aBaseAndTheLogAfterItRestoreInTheNewRegimeAsInTheOld(LocalPostgres pg, LocalObjectStores stores) throws Exception {
        pg.createDatabase("moved_base_source");
        List<ChangeEvent> events;
        long cut;
        long middle;
        long end;
        Map<String, String> atCut;
        Map<String, String> atMiddle;
        Map<String, String> atEnd;
        try (Connection source = connect(pg, "moved_base_source"); Connection sums = connect(pg, "moved_base_source")) {
            TwoTenantWorkload.createSchema(source);
            CaptureSimulator capture = new CaptureSimulator(source);
            TwoTenantWorkload workload = new TwoTenantWorkload(11);
            Random random = new Random(5);
            long commitTs = START;
            long[] at = new long[3];
            List<Map<String, String>> sumsAt = new ArrayList<>();
            for (int i = 1; i <= 90; i++) {
                commitTs += 5_000_000L + random.nextInt(20_000_000);
                workload.transaction(capture, commitTs, i % 3 == 0 ? "beta" : "alpha");
                if (i == 40 || i == 65 || i == 90) {
                    at[sumsAt.size()] = commitTs;
                    sumsAt.add(TwoTenantWorkload.checksums(sums, "alpha"));
                }
            }
            cut = at[0];
            middle = at[1];
            end = at[2];
            atCut = sumsAt.get(0);
            atMiddle = sumsAt.get(1);
            atEnd = sumsAt.get(2);
            events = capture.events();
        }
        String from = "mvb-old";
        String to = "mvb-new";
        // a few of alpha's changes of the minute before the cut arrive late, on another partition, once the base is made
        List<ChangeEvent> late = events.stream().filter(e -> e.getTenant().equals("alpha") && CutTime.of(e) < cut
                && CutTime.of(e) > cut - 60_000_000L).toList();
        List<ChangeEvent> onTime = events.stream().filter(e -> !late.contains(e)).toList();
        assertThat(late).as("changes to arrive late").isNotEmpty();
        // a durable point proves the changes before it: one microsecond after the cut's transaction holds it
        BaseCut base = write(stores, from, onTime, late, end, Optional.of(cut + 1)).orElseThrow();
        assertThat(base.cutCommitMicros()).as("the base's cut: alpha's transaction at the cut was on time").isEqualTo(cut);
        Properties props = new Properties();
        for (String regime : List.of(from, to)) {
            props.putAll(LocalStores.regime(regime, stores.primary(), regime + "-p", stores.backup(), regime + "-b"));
            props.setProperty("strata.regime." + regime + ".kek.file", stores.kekFile(regime).toString());
        }
        props.setProperty(ToolConfig.REGIMES, from + "," + to);
        Path config = LocalStores.write(props, LocalStackExtension.workDir());

        List<ChangeEvent> moved = new ArrayList<>();
        ToolConfig tool = ToolConfig.load(config);
        try (RegimeStores old = RegimeStores.open(tool.store(from, ToolConfig.PRIMARY), tool.store(from, ToolConfig.BACKUP),
                tool.bodies(from))) {
            HistoryCopy.Copied copied = HistoryCopy.select(old, ALPHA, Set.of(), Optional.of(base), moved::add);
            assertThat(copied.baseEvents()).isPositive();
            assertThat(copied.coveredByBase()).as("segments the base folded whole").isNotEmpty();
        }
        assertThat(moved).as("the late changes go along").extracting(ChangeEvent::getEventId)
                .containsAll(late.stream().map(ChangeEvent::getEventId).toList());
        write(stores, to, moved, List.of(), end, Optional.empty());

        for (long point : List.of(base.cutCommitMicros(), middle, end)) {
            String restored = "moved_base_" + (point == end ? "end" : point == middle ? "middle" : "cut");
            pg.createDatabase(restored);
            ToolRun replay = ToolRun.run(config, "replay", "--tenant", "alpha", "--regime", to, "--until", RestoreTime.format(point),
                    "--to", pg.jdbcUrl(restored), "--progress", "none");
            assertThat(replay.code()).as(replay.err()).isZero();
            try (Connection c = connect(pg, restored)) {
                assertThat(TwoTenantWorkload.checksums(c, "alpha")).as("alpha at %s from %s", RestoreTime.format(point), to)
                        .isEqualTo(point == end ? atEnd : point == middle ? atMiddle : atCut);
            }
        }
        ToolRun beforeCut = ToolRun.run(config, "replay", "--tenant", "alpha", "--regime", to, "--until",
                RestoreTime.format(base.cutCommitMicros() - 1),
                "--dry-run");
        assertThat(beforeCut.code()).as(beforeCut.out()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(beforeCut.err()).contains("before its first backup");
    }

    /**
     * Writes the events as the regime's sink would, sealed under its keys, alpha durable up to {@code durable} (its
     * heartbeats); with a base of alpha at {@code base}, returned; then the {@code late} events, on a partition of their own.
     */
    private static Optional<BaseCut> write(LocalObjectStores stores, String regime, List<ChangeEvent> events, List<ChangeEvent> late,
                                           long durable, Optional<Long> base) throws Exception {
        stores.primary().createLockedBucket(regime + "-p");
        stores.backup().createLockedBucket(regime + "-b");
        long last = events.stream().mapToLong(CutTime::of).max().orElseThrow();
        try (ObjectStore primary = LocalStores.writer(stores.primary(), regime + "-p");
             ObjectStore backup = LocalStores.writer(stores.backup(), regime + "-b");
             StoredDataKeys keys = LocalStores.writerKeys(stores, regime, regime + "-p", regime + "-b");
             SinkBackup sink = new SinkBackup(primary, backup, Files.createTempDirectory(LocalStackExtension.workDir(), regime),
                     BodySealer.sealing(keys))) {
            sink.write(events, SinkBackup.flushEvery(Duration.ofMinutes(2)));
            sink.idleUntil(ALPHA, durable);
            sink.seal(Optional.of(UtcHour.containing(last)));
            Optional<BaseCut> made = base.map(cut -> sink.base(ALPHA, cut, Instant.ofEpochSecond(last / 1_000_000 + 60)).cut());
            if (!late.isEmpty()) {
                sink.write(5, late, SinkBackup.flushEvery(Duration.ofMinutes(2)));
                sink.seal(Optional.of(UtcHour.containing(last)));
            }
            return made;
        }
    }

    private static Connection connect(LocalPostgres pg, String db) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(db), pg.user(), pg.password());
    }
}
