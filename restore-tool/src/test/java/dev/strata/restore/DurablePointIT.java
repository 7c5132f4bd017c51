package dev.strata.restore;

import static dev.strata.schemas.testing.Changes.insert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.restore.testing.ToolRun;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The durable point on the two Ceph regions, written by the sink's own classes (segments cut,
 * uploaded to both regions concurrently, offsets committed only past what both hold, durable marks
 * after): "latest" never misses a segment one region is still waiting for, a later --until is
 * refused naming the point, and a time after an idle tenant's last change restores its full state.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DurablePointIT {
    private static final String PRIMARY = "durable-primary";
    private static final String BACKUP = "durable-backup";
    private static final long T0 = RestoreTime.parse("2026-11-21T09:00:00Z");
    private static final long SECOND = 1_000_000L;

    private Path config;
    private Path work;
    private ObjectStore primary;
    private ObjectStore backup;

    @BeforeAll
    void buckets(LocalObjectStores stores) throws Exception {
        stores.primary().createLockedBucket(PRIMARY);
        stores.backup().createLockedBucket(BACKUP);
        work = Files.createTempDirectory(LocalStackExtension.workDir(), "durable");
        primary = LocalStores.writer(stores.primary(), PRIMARY);
        backup = LocalStores.writer(stores.backup(), BACKUP);
        Properties props = LocalStores.regime("eu", stores.primary(), PRIMARY, stores.backup(), BACKUP);
        config = LocalStores.write(props, work);
    }

    /** Ten changes of {@code tenant}, one a second from T0, each a row of its own (id = i). */
    private static List<ChangeEvent> tenChanges(String tenant) {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            events.add(insert(tenant, "public.items", T0 + i * SECOND, 100 + i, i, "r" + i));
        }
        return events;
    }

    @Test
    void latestNeverMissesASegmentTheBackupIsStillWaitingFor() throws Exception {
        TenantId tenant = TenantId.of("reorder");
        List<ObjectKey> stored;
        try (SinkBackup sink = new SinkBackup(primary, backup, work)) {
            // the segment of changes 2..3 reaches the backup only after those of 4..9 (uploads finish in any order)
            sink.holdInBackup(key -> key.value().endsWith(".seg") && BackupLayout.parseSegment(key).firstOffset() == 2);
            stored = sink.write(tenChanges(tenant.value()), SinkBackup.everyNEvents(2));
            assertThat(stored).hasSize(5);

            Restored held = replayLatest(tenant, "held");
            assertThat(held.code()).as(held.err()).isZero();
            assertThat(ids(held)).as("bounded before the held segment: nothing after it either").containsExactlyInAnyOrder("0", "1");
            ToolRun points = ToolRun.run(config, "list", "points", "--tenant", tenant.value());
            assertThat(points.out()).contains("latest restorable:   " + RestoreTime.format(T0 + SECOND) + " (the durable point)")
                    .contains("newest durable mark in primary " + RestoreTime.format(T0 + SECOND) + ", in backup " + RestoreTime.format(T0 + SECOND));
            ToolRun later = ToolRun.run(config, "replay", "--tenant", tenant.value(), "--until", RestoreTime.format(T0 + 9 * SECOND),
                    "--target", "ndjson", "--to", work.resolve("later.ndjson").toString());
            assertThat(later.code()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(later.err()).contains("after its durable point " + RestoreTime.format(T0 + SECOND))
                    .contains("newest durable mark in primary " + RestoreTime.format(T0 + SECOND))
                    .contains("check the sink of regime eu").contains("--until latest");

            sink.releaseHeld();
        }
        Restored all = replayLatest(tenant, "released");
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(ids(all)).as("once both regions hold it, the point moves past it").hasSize(10);
        ToolRun verify = ToolRun.run(config, "verify", "--tenant", tenant.value());
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("durable mark copies");
    }

    @Test
    void aTimeAfterAnIdleTenantsLastChangeRestoresItsFullStateUpToTheDurablePoint() throws Exception {
        TenantId tenant = TenantId.of("idle");
        long lastChange = T0 + 9 * SECOND;
        try (SinkBackup sink = new SinkBackup(primary, backup, work)) {
            sink.write(tenChanges(tenant.value()), SinkBackup.everyNEvents(3));
            sink.idleUntil(tenant, lastChange + 60 * SECOND);
        }
        ToolRun between = ToolRun.run(config, "replay", "--tenant", tenant.value(), "--until", RestoreTime.format(lastChange + 30 * SECOND),
                "--target", "ndjson", "--to", work.resolve("idle-between.ndjson").toString());
        assertThat(between.code()).as(between.err()).isZero();
        assertThat(ids(work.resolve("idle-between.ndjson"))).hasSize(10);
        Restored latest = replayLatest(tenant, "idle-latest");
        assertThat(latest.code()).as(latest.err()).isZero();
        assertThat(ids(latest)).hasSize(10);
        ToolRun after = ToolRun.run(config, "replay", "--tenant", tenant.value(), "--until", RestoreTime.format(lastChange + 61 * SECOND),
                "--target", "ndjson", "--to", work.resolve("idle-after.ndjson").toString());
        assertThat(after.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(after.err()).contains("after its durable point " + RestoreTime.format(lastChange + 60 * SECOND));
    }

    @Test
    void aBackupWithoutMarksRestoresAsBeforeAndSaysLatestIsNotProven() throws Exception {
        TenantId tenant = TenantId.of("unmarked");
        try (SinkBackup sink = new SinkBackup(primary, backup, work)) {
            sink.withoutMarks();
            sink.write(tenChanges(tenant.value()), SinkBackup.everyNEvents(4));
        }
        ToolRun latest = ToolRun.run(config, "replay", "--tenant", tenant.value(), "--until", "latest", "--dry-run");
        assertThat(latest.code()).as(latest.err()).isZero();
        // the newest transaction listed is not shown whole: the point stops one microsecond before it
        assertThat(latest.out()).contains("latest restorable:   " + RestoreTime.format(T0 + 9 * SECOND - 1) + " (not proven: no durable mark)")
                .contains("note: tenant unmarked has no durable mark in regime eu");
    }

    /** A restore to latest into an NDJSON file of its own. */
    private Restored replayLatest(TenantId tenant, String name) {
        Path file = work.resolve(tenant + "-" + name + ".ndjson");
        return new Restored(ToolRun.run(config, "replay", "--tenant", tenant.value(), "--until", "latest", "--target", "ndjson", "--to",
                file.toString()), file);
    }

    private record Restored(ToolRun run, Path file) {
        int code() {
            return run.code();
        }

        String err() {
            return run.err();
        }
    }

    private static List<String> ids(Restored restored) throws Exception {
        return ids(restored.file());
    }

    /** The restored rows' ids. */
    private static List<String> ids(Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            ids.add(json.readTree(line).get("key").get("id").asText());
        }
        return ids;
    }
}
