package dev.strata.restore;

import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.restore.testing.ToolRun;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.store.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Whole transactions that a crash made capture send twice are stored twice (other offsets, other
 * segments); the sink's base fold removes them, counts them in a metric and in the base manifest,
 * and {@code verify} shows the count without decoding a segment.
 */
@ExtendWith(LocalStackExtension.class)
class DuplicatesIT {
    private static final long START = RestoreTime.parse("2026-11-21T06:00:00Z");
    private static final long S = 1_000_000L;

    @Test
    void shouldCountTheChangesStoredTwiceInTheMetricTheBaseManifestAndVerify(LocalObjectStores stores) throws Exception {
        String primary = "dupes-primary";
        String backup = "dupes-backup";
        stores.primary().createUnlockedBucket(primary);
        stores.backup().createUnlockedBucket(backup);
        Path work = Files.createTempDirectory(LocalStackExtension.workDir(), "dupes");
        TenantId tenant = TenantId.of("dupes");
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            events.add(i < 20 ? insert("dupes", "public.items", START + i * S, 100 + i, i, "i" + i)
                    : update("dupes", "public.items", START + i * S, 100 + i, i - 20, "u" + i));
        }
        BaseManifest base;
        try (ObjectStore p = LocalStores.writer(stores.primary(), primary); ObjectStore b = LocalStores.writer(stores.backup(), backup);
             SinkBackup sink = new SinkBackup(p, b, work)) {
            sink.write(0, events, SinkBackup.everyNEvents(10));
            // capture crashed after sending the last 8 changes and sent them again: same eventIds, later offsets
            sink.write(1, events.subList(22, 30), SinkBackup.everyNEvents(10));
            sink.seal(Optional.empty());
            base = sink.base(tenant, START + 60 * S);

            assertThat(sink.duplicatesRemoved(tenant)).as("strata_sink_duplicates_removed_total").isEqualTo(8.0);
        }
        assertThat(base.duplicatesRemoved()).isEqualTo(8);
        assertThat(base.rows()).isEqualTo(20);
        Path config = LocalStores.write(LocalStores.regime("eu", stores.primary(), primary, stores.backup(), backup), work);
        ToolRun verify = ToolRun.run(config, "verify", "--tenant", "dupes");

        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("duplicates: 8 change(s) stored twice (whole transactions written again after a crash)"
                + " were removed by the folds of its bases");
    }
}
