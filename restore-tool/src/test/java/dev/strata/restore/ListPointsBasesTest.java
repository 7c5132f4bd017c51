package dev.strata.restore;

import dev.strata.restore.cli.ListCommand;
import static dev.strata.schemas.testing.Changes.insert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.restore.store.BaseSummary;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionNotes;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.VersionPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code list points} shows each base with its cut, tables, rows and size; an interrupted fold as incomplete. */
class ListPointsBasesTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final long T0 = 1_790_002_800_000_000L;

    @TempDir
    Path work;

    @Test
    void showsCompleteAndIncompleteBases() throws Exception {
        InMemoryBucket primary = new InMemoryBucket();
        InMemoryBucket backup = new InMemoryBucket();
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            events.add(insert("acme", i % 2 == 0 ? "public.orders" : "public.customers", T0 + i * 1_000L, 100 + i, i, "r" + i));
        }
        BaseManifest complete;
        try (SinkBackup sink = new SinkBackup(primary.store(VersionPolicy.LATEST_VERSION), backup.store(VersionPolicy.LATEST_VERSION), work)) {
            // the sink folds only log that both regions hold: bases need their segments stored first
            sink.write(events, SinkBackup.everyNEvents(5));
            complete = sink.base(ACME, T0 + 9_000 + 1); // cut at the 10th change
            sink.baseKilledBeforeManifest(ACME, T0 + 19_000 + 1); // at the 20th
        }
        RegimeStores stores = new RegimeStores("eu", new RegionStore(Region.PRIMARY, primary.store(VersionPolicy.FIRST_VERSION), "p."),
                new RegionStore(Region.BACKUP, backup.store(VersionPolicy.FIRST_VERSION), "b."));

        List<BaseSummary> bases = BaseSummary.list(stores, ACME, new RegionNotes());
        assertThat(bases).extracting(BaseSummary::complete).containsExactly(true, false);
        assertThat(bases.get(0).manifest()).contains(complete);
        assertThat(complete.rows()).isEqualTo(10);

        StringWriter out = new StringWriter();
        ListCommand.Points.printBases(new PrintWriter(out, true), bases);
        assertThat(out.toString())
                .contains("bases: 1 complete, 1 incomplete")
                .contains("cut " + dev.strata.restore.plan.RestoreTime.format(T0 + 9_000) + " lsn 109: 2 tables, 10 rows, "
                        + String.format(java.util.Locale.ROOT, "%,d", complete.bytes()) + " bytes; manifest in both regions")
                .contains("lsn 119: incomplete (no base.manifest: a fold interrupted before its last write), never restored from");
    }
}
