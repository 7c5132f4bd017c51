package dev.strata.restore.expire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BaseKey;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.DurableMarkKey;
import dev.strata.schemas.layout.LateNoticeKey;
import dev.strata.schemas.layout.ManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.retention.RetentionPolicy;
import dev.strata.schemas.store.ListedObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ExpiryPlannerTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final ExpiryPlanner PLANNER = new ExpiryPlanner(Duration.ofHours(1));
    private static final long HOUR = 3_600_000_000L;

    private final List<ListedObject> objects = new ArrayList<>();

    private static long micros(String instant) {
        return Instant.parse(instant).toEpochMilli() * 1_000;
    }

    private BaseCut base(String at) {
        BaseCut cut = new BaseCut(micros(at), micros(at) / 1_000_000);
        add(BackupLayout.base(new BaseKey(ACME, cut, "public.orders")), 1_000);
        add(BackupLayout.baseManifest(new BaseManifestKey(ACME, cut)), 100);
        return cut;
    }

    private ObjectKey segment(long min, long max, long offset) {
        ObjectKey key = BackupLayout.segment(new SegmentKey(ACME, min, max, 0, offset, offset + 9));
        add(key, 500);
        ObjectKey manifest = BackupLayout.manifest(new ManifestKey(ACME, UtcHour.containing(min), 0));
        if (objects.stream().noneMatch(o -> o.key().equals(manifest))) {
            add(manifest, 50);
        }
        return key;
    }

    private void add(ObjectKey key, long size) {
        objects.add(new ListedObject(key, size));
    }

    private ExpiryPlan plan(RetentionPolicy policy, Map<BaseCut, Long> lateFrom) {
        return PLANNER.plan(ACME, policy, NOW, objects, cut -> Optional.ofNullable(lateFrom.get(cut)));
    }

    private static Set<ObjectKey> expired(ExpiryPlan plan) {
        return plan.expired().stream().map(ListedObject::key).collect(Collectors.toSet());
    }

    @Test
    void keepsTheNewestBaseAtOrBeforeTheWindowStartAndEverythingAfterIt() {
        BaseCut old = base("2026-12-04T06:00:00Z");
        ObjectKey oldLog = segment(old.cutCommitMicros() - HOUR, old.cutCommitMicros() - 1, 0);
        BaseCut anchor = base("2026-12-04T10:00:00Z");
        ObjectKey straddling = segment(anchor.cutCommitMicros() - 10, anchor.cutCommitMicros() + 10, 10);
        ObjectKey beforeAnchor = segment(old.cutCommitMicros() + 1, anchor.cutCommitMicros() - 20, 20);
        BaseCut inWindow = base("2026-12-05T06:00:00Z");
        ObjectKey recent = segment(inWindow.cutCommitMicros() + 1, inWindow.cutCommitMicros() + 5, 30);
        ObjectKey oldMark = BackupLayout.mark(new DurableMarkKey(ACME, old.cutCommitMicros(), 0, 5));
        ObjectKey newMark = BackupLayout.mark(new DurableMarkKey(ACME, inWindow.cutCommitMicros() + 5, 0, 40));
        add(oldMark, 10);
        add(newMark, 10);

        ExpiryPlan plan = plan(new RetentionPolicy(Duration.ofDays(1), 0, 0, 0), Map.of());

        assertThat(plan.windowStart()).isEqualTo(Instant.parse("2026-12-04T12:00:00Z"));
        assertThat(plan.anchor()).map(KeptBase::cut).contains(anchor);
        assertThat(plan.kept()).extracting(KeptBase::cut).containsExactly(inWindow, anchor);
        assertThat(expired(plan)).contains(oldLog, beforeAnchor, oldMark,
                BackupLayout.baseManifest(new BaseManifestKey(ACME, old)), BackupLayout.base(new BaseKey(ACME, old, "public.orders")),
                BackupLayout.manifest(new ManifestKey(ACME, UtcHour.containing(oldLog.value().isEmpty() ? 0 : old.cutCommitMicros() - HOUR), 0)));
        assertThat(expired(plan)).doesNotContain(straddling, recent, newMark, BackupLayout.baseManifest(new BaseManifestKey(ACME, anchor)),
                BackupLayout.manifest(new ManifestKey(ACME, UtcHour.containing(straddling.value().isEmpty() ? 0
                        : anchor.cutCommitMicros() - 10), 0)));
        assertThat(plan.expiredBytes()).isEqualTo(plan.expired().stream().mapToLong(ListedObject::size).sum()).isPositive();
        assertThat(plan.keptObjects() + plan.expired().size()).isEqualTo(objects.size());
    }

    @Test
    void nothingExpiresBeforeABaseIsOlderThanTheWindow() {
        segment(micros("2026-11-01T00:00:00Z"), micros("2026-11-01T00:10:00Z"), 0);
        base("2026-12-05T11:00:00Z");
        ExpiryPlan plan = plan(new RetentionPolicy(Duration.ofDays(1), 0, 0, 0), Map.of());
        assertThat(plan.anchor()).isEmpty();
        assertThat(plan.expired()).isEmpty();
        assertThat(plan.keptObjects()).isEqualTo(objects.size());
    }

    @Test
    void keepsTheNewestBaseOfEachOfTheLastDaysWeeksAndMonthsThatHaveOne() {
        BaseCut oct = base("2026-10-20T10:00:00Z");
        BaseCut novEarly = base("2026-11-02T10:00:00Z");
        BaseCut novLate = base("2026-11-20T10:00:00Z");
        BaseCut dec1Morning = base("2026-12-01T08:00:00Z");
        BaseCut dec1Evening = base("2026-12-01T20:00:00Z");
        BaseCut dec2 = base("2026-12-02T20:00:00Z");
        BaseCut anchor = base("2026-12-04T10:00:00Z");

        ExpiryPlan plan = plan(new RetentionPolicy(Duration.ofDays(1), 2, 2, 2), Map.of());

        Map<BaseCut, Set<Tier>> tiers = plan.kept().stream().collect(Collectors.toMap(KeptBase::cut, KeptBase::tiers));
        assertThat(tiers.get(anchor)).containsExactlyInAnyOrder(Tier.ANCHOR, Tier.DAILY, Tier.WEEKLY, Tier.MONTHLY);
        assertThat(tiers.get(dec2)).containsExactly(Tier.DAILY);
        assertThat(tiers.get(novLate)).as("newest of week 47 and of November").containsExactlyInAnyOrder(Tier.WEEKLY, Tier.MONTHLY);
        assertThat(tiers).doesNotContainKeys(oct, novEarly, dec1Morning, dec1Evening);
        assertThat(expired(plan)).contains(BackupLayout.baseManifest(new BaseManifestKey(ACME, dec1Evening)),
                BackupLayout.baseManifest(new BaseManifestKey(ACME, oct)));
    }

    @Test
    void keepsLateSegmentsAReplayFromTheAnchorReadsAndTheirHourManifests() {
        BaseCut anchor = base("2026-12-04T10:00:00Z");
        long oldCommit = micros("2026-12-03T01:00:00Z");
        SegmentKey lateSegment = new SegmentKey(ACME, oldCommit, oldCommit + 5, 0, 100, 109);
        ObjectKey lateKey = segment(oldCommit, oldCommit + 5, 100);
        ObjectKey folded = segment(oldCommit + 10, oldCommit + 20, 200);
        long arrival = micros("2026-12-04T11:00:00Z");
        ObjectKey notice = BackupLayout.lateNotice(new LateNoticeKey(ACME, arrival, lateSegment));
        add(notice, 10);
        ObjectKey oldNotice = BackupLayout.lateNotice(new LateNoticeKey(ACME, arrival - 2 * HOUR,
                new SegmentKey(ACME, oldCommit + 10, oldCommit + 20, 0, 200, 209)));
        add(oldNotice, 10);

        ExpiryPlan plan = plan(new RetentionPolicy(Duration.ofDays(1), 0, 0, 0), Map.of(anchor, arrival - HOUR));

        assertThat(expired(plan)).doesNotContain(lateKey, notice, BackupLayout.manifest(new ManifestKey(ACME, UtcHour.containing(oldCommit), 0)));
        assertThat(expired(plan)).contains(oldNotice, folded);
    }
}
