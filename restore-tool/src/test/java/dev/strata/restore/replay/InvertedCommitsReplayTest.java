package dev.strata.restore.replay;

import static dev.strata.schemas.testing.Changes.insert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.target.NdjsonTarget;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.VersionPolicy;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit-time inversion through sink, base and planner: X1 commits at 10.005 and its commit record
 * comes first in the WAL, X2 commits at 10.003 after it, so both have cut time 10.005. PostgreSQL's
 * recovery to 10.004 holds neither (it stops at X1's record), to 10.005 both; and a base folded at
 * 10.004 plus the segments the planner picks after it must not lose X2, whose commit time lies
 * before the base's cut.
 */
class InvertedCommitsReplayTest {
    private static final TenantId TENANT = TenantId.of("acme");
    private static final String ORDERS = "public.orders";
    private static final long T0 = 1_790_002_800_000_000L;
    private static final long X1_COMMIT = T0 + 10_005;
    private static final long X2_COMMIT = T0 + 10_003;

    @TempDir
    Path work;
    private final InMemoryBucket primaryBucket = new InMemoryBucket();
    private final InMemoryBucket backupBucket = new InMemoryBucket();
    private SinkBackup writer;

    @BeforeEach
    void backUpTheInversion() {
        writer = new SinkBackup(primaryBucket.store(VersionPolicy.LATEST_VERSION), backupBucket.store(VersionPolicy.LATEST_VERSION), work);
        ChangeEvent before = cut(insert("acme", ORDERS, T0 + 1_000, 1_100, 1, "before"), T0 + 1_000);
        ChangeEvent x1 = cut(insert("acme", ORDERS, X1_COMMIT, 1_200, 2, "x1"), X1_COMMIT);
        ChangeEvent x2 = cut(insert("acme", ORDERS, X2_COMMIT, 1_300, 3, "x2"), X1_COMMIT);
        ChangeEvent after = cut(insert("acme", ORDERS, T0 + 10_007, 1_400, 4, "after"), T0 + 10_007);
        // one segment per transaction: X2's alone, so only its key's times decide whether the planner picks it
        writer.write(List.of(before, x1, x2, after), SinkBackup.everyNEvents(1));
        writer.seal(Optional.of(UtcHour.containing(T0)));
    }

    @AfterEach
    void stopTheSink() {
        writer.close();
    }

    private static ChangeEvent cut(ChangeEvent event, long cutMicros) {
        event.setCutTsMicros(cutMicros);
        return event;
    }

    @Test
    void aRestoreBetweenTheInvertedCommitTimesHoldsNeitherAndAtTheCutTimeBoth() throws IOException {
        assertThat(ids(restore(T0 + 10_003, Optional.empty()))).as("X2's commit time alone is no restore point").containsExactly(1L);
        assertThat(ids(restore(T0 + 10_004, Optional.empty()))).containsExactly(1L);
        assertThat(ids(restore(X1_COMMIT, Optional.empty()))).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aBaseFoldedBetweenTheInvertedCommitTimesPlusThePlannedSegmentsLosesNothing() throws IOException {
        String withoutBase = restore(T0 + 10_006, Optional.empty());
        assertThat(ids(withoutBase)).containsExactly(1L, 2L, 3L);
        BaseCut base = writer.base(TENANT, T0 + 10_005).cut(); // durable up to 10.005: a cut at 10.004
        assertThat(base.cutCommitMicros()).isEqualTo(T0 + 10_004);
        assertThat(restore(T0 + 10_006, Optional.of(base))).isEqualTo(withoutBase);
        assertThat(ids(restore(T0 + 10_004, Optional.of(base)))).as("the base itself holds neither").containsExactly(1L);
    }

    private static List<Long> ids(String ndjson) {
        Matcher m = Pattern.compile("\"id\":(\\d+)").matcher(ndjson);
        return m.results().map(r -> Long.parseLong(r.group(1))).distinct().sorted().toList();
    }

    private String restore(long untilMicros, Optional<BaseCut> expectedBase) throws IOException {
        RegimeStores stores = new RegimeStores("eu",
                new RegionStore(Region.PRIMARY, primaryBucket.store(VersionPolicy.FIRST_VERSION), "strata.regime.eu.primary."),
                new RegionStore(Region.BACKUP, backupBucket.store(VersionPolicy.FIRST_VERSION), "strata.regime.eu.backup."));
        Replay replay = new Replay(stores, new ReplayOptions(Duration.ofHours(1), 2, FoldMemory.defaults(work), false),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Progress.NONE);
        RestorePlan plan = replay.plan(TENANT, RestoreTime.format(untilMicros));
        assertThat(plan.base()).as("base planned for %s", RestoreTime.format(untilMicros)).isEqualTo(expectedBase);
        StringWriter out = new StringWriter();
        try (NdjsonTarget target = NdjsonTarget.toStream(out)) {
            replay.run(plan, target);
        }
        return String.join("\n", out.toString().lines().sorted().toList());
    }
}
