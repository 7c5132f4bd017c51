package dev.strata.sink;

import static dev.strata.sink.LoopBed.FLUSH;
import static dev.strata.sink.LoopBed.TP;
import static dev.strata.sink.LoopBed.changes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.store.failure.StoreAccessDeniedException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A region down (retried: the offsets wait) against a region that refuses the writer key (not retried: the sink stops). */
class RegionFailureTest {
    @TempDir
    Path spill;
    private LoopBed bed;

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void aRegionDownHoldsTheOffsetsBackAndTheyMoveOnceItIsBack() {
        bed = new LoopBed(spill);
        OutageStore[] backup = new OutageStore[1];
        LoopBed.Run run = bed.start(LoopBed.healthy(), store -> backup[0] = new OutageStore(store, "backup bucket strata-eu-backup"));
        run.assign(Optional.empty(), changes("acme", 0, 4));
        run.advance(FLUSH);
        run.read(changes("acme", 5, 9));
        run.advance(FLUSH); // a second segment while the first still waits for the backup
        bed.await("both in the primary", () -> LoopBed.segments(bed.primaryBucket).size() == 2);
        // the debt gauge moves just after a put returns, so a listing can see the object a moment before the gauge does
        bed.await("ten events in one region only", () -> run.metrics.debtEvents() == 10);
        bed.await("the backup retried", () -> run.count("upload.retries", "region", "backup") > 2);

        assertThat(run.committed()).as("nothing is in both regions").isZero();
        assertThat(run.running()).as("an outage is waited out, not a failure").isTrue();

        backup[0].up();
        bed.await("offset 10 committed", () -> run.committed() == 10);
        assertThat(run.metrics.debtEvents()).isZero();
        assertThat(bed.assertIdenticalInBothRegions()).isEqualTo(2);
        assertThat(run.registry.get(SinkMetrics.PREFIX + "failed").gauge().value()).isZero();
    }

    /**
     * The denial must stop the sink while the other region is still down and retrying: waiting for
     * that region first would hide a failure no retry fixes behind an outage that may last hours.
     */
    @ParameterizedTest
    @ValueSource(strings = {RegionSettings.PRIMARY, RegionSettings.BACKUP})
    void accessDeniedInOneRegionStopsTheSinkAtOnceWhileTheOtherRegionIsDown(String deniedRegion) {
        bed = new LoopBed(spill);
        String bucket = "bucket strata-eu-" + deniedRegion;
        DeniedStore[] denied = new DeniedStore[1];
        OutageStore[] down = new OutageStore[1];
        LoopBed.Run run = deniedRegion.equals(RegionSettings.PRIMARY)
                ? bed.start(store -> denied[0] = new DeniedStore(store, bucket), store -> down[0] = new OutageStore(store, "backup"))
                : bed.start(store -> down[0] = new OutageStore(store, "primary"), store -> denied[0] = new DeniedStore(store, bucket));
        run.assign(Optional.empty(), changes("acme", 0, 9));
        run.advance(FLUSH);

        RuntimeException ended = run.awaitEnd();

        assertThat(ended).isInstanceOf(SinkFailedException.class)
                .hasMessageContaining("cannot store segment strata/v1/tenants/acme/log/")
                .hasMessageContaining("in " + bucket + ": access denied (403 AccessDenied): it needs s3:PutObject")
                .hasRootCauseInstanceOf(StoreAccessDeniedException.class);
        int attempts = down[0].puts.get();
        bed.await("the other region still retrying after the sink stopped", () -> down[0].puts.get() > attempts);
        assertThat(denied[0].puts.get()).as("a denial is not retried").isEqualTo(1);
        assertThat(run.registry.get(SinkMetrics.PREFIX + "failed").gauge().value()).isEqualTo(1);
        assertThat(run.count("upload.failures", "region", deniedRegion)).isEqualTo(1);
        assertThat(run.lastCommit()).as("the horizon only: the offset did not move")
                .contains(new RecordingConsumer.Commit(TP, 0, CommitMetadata.format(9)));
        assertThat(run.producer.watermarks()).isEmpty();
        assertThat(LoopBed.segments(bed.primaryBucket)).isEmpty();
        assertThat(LoopBed.segments(bed.backupBucket)).isEmpty();
    }
}
