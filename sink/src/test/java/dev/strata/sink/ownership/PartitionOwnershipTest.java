package dev.strata.sink.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** One instance's claim on its partitions' tenant work: given only while owned, invalid once revoked, and a revocation waits for it. */
class PartitionOwnershipTest {
    @Test
    void givesLeasesOnlyOnPartitionsItOwns() {
        PartitionOwnership ownership = OwnedPartitions.of(1, 3);
        assertThat(ownership.lease(1)).isPresent();
        assertThat(ownership.lease(2)).as("another instance's partition").isEmpty();
        ownership.release(List.of(1), Duration.ZERO);
        assertThat(ownership.lease(1)).as("revoked").isEmpty();
        assertThat(ownership.lease(3)).isPresent();
    }

    @Test
    void aLeaseStopsHoldingOnceItsPartitionIsRevoked() {
        PartitionOwnership ownership = OwnedPartitions.of(0);
        Lease lease = ownership.lease(0).orElseThrow();
        lease.check("the first step");
        ownership.release(List.of(0), Duration.ZERO);
        assertThatThrownBy(() -> lease.check("storing base x")).isInstanceOf(PartitionMovedException.class)
                .hasMessage("partition 0 moved to another sink instance before storing base x; its new owner does this work");
    }

    @Test
    void revocationWaitsUntilTheWorkUnderALeaseHasStopped() throws Exception {
        PartitionOwnership ownership = OwnedPartitions.of(0, 1);
        Lease working = ownership.lease(0).orElseThrow();
        CompletableFuture<List<Integer>> release = CompletableFuture.supplyAsync(() -> ownership.release(List.of(0), Duration.ofSeconds(30)));
        while (ownership.owns(0)) {
            Thread.onSpinWait(); // the revocation has begun once the partition is no longer owned
        }
        assertThatThrownBy(() -> release.get(300, TimeUnit.MILLISECONDS)).as("waits for the lease").isInstanceOf(TimeoutException.class);
        working.close();
        assertThat(release.get(10, TimeUnit.SECONDS)).as("nothing left running").isEmpty();
    }

    @Test
    void revocationGivesUpWaitingAfterItsTimeoutAndNamesThePartitionsStillBusy() {
        PartitionOwnership ownership = OwnedPartitions.of(0, 1);
        Lease stuck = ownership.lease(1).orElseThrow();
        assertThat(ownership.release(List.of(0, 1), Duration.ofMillis(120))).containsExactly(1);
        stuck.close();
        stuck.close(); // closing twice ends the work once
        assertThat(ownership.release(List.of(1), Duration.ZERO)).isEmpty();
    }

    @Test
    void leasesOfOtherPartitionsDoNotHoldARevocationUp() {
        PartitionOwnership ownership = OwnedPartitions.of(0, 1);
        Lease other = ownership.lease(1).orElseThrow();
        assertThat(ownership.release(List.of(0), Duration.ofSeconds(30))).isEmpty();
        other.check("still owned");
        other.close();
    }
}
